"""A plan's letters: made on request (to download), and posted through the outbox (by Notify, or
from the print queue), each posting audited. Services flush; the edges commit."""
from dataclasses import dataclass

import phonenumbers

from emergency.audit import service as audit
from emergency.clock import local_date
from emergency.errors import Conflict, NotFound
from emergency.names import first_name
from emergency.outbox import letters as outbox_letters
from emergency.plans.card_fonts import find_fonts
from emergency.plans.card_pdf import LINE_NAME, CardDetails, LetterDetails, letter_pdf
from emergency.plans.letter_layout import AddressUnfit
from emergency.plans.letters import POSTED_KINDS, LetterKind, Sender, confirmation_letter, gp_letter, review_letter
from emergency.plans.snapshot import plan_to_dict
from emergency.wording.languages import is_configured

TITLES = {LetterKind.CARD: "Covering letter with the card", LetterKind.CONFIRMATION: "Confirmation with a copy of the plan",
          LetterKind.REVIEW: "Review letter", LetterKind.GP: "Letter for the GP"}


@dataclass(frozen=True)
class LetterSettings:
    line_number: str | None
    council_name: str
    call_about_plan: str
    postage: str
    font_directory: str | None = None  # the Noto fonts: without them letters are in English only

    @classmethod
    def from_config(cls, config) -> "LetterSettings":
        return cls(line_number=config.get("LINE_PHONE_NUMBER") or config.get("TWILIO_FROM_NUMBER"),
                   council_name=config.get("COUNCIL_NAME") or "", call_about_plan=config["PLAN_REVIEW_PHONE"],
                   postage=config["LETTER_POSTAGE"], font_directory=config.get("FONT_DIRECTORY"))


def _dialled(number: str | None) -> str:
    if not number:
        raise Conflict("The line's phone number is not set (TWILIO_FROM_NUMBER or LINE_PHONE_NUMBER), so there "
                       "is no number to print in the letter.")
    try:
        return phonenumbers.format_number(phonenumbers.parse(number, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return number


def carers_language(plan) -> str:
    """The carer's preferred language where the line has its words; else English."""
    return plan.carer_preferred_language if is_configured(plan.carer_preferred_language) else "en"


def _sender(settings: LetterSettings, now, plan) -> Sender:
    return Sender(line_name=LINE_NAME, line_number=_dialled(settings.line_number), council_name=settings.council_name,
                  call_about_plan=settings.call_about_plan, written_on=local_date(now),
                  language=carers_language(plan), fonts=find_fonts(settings.font_directory))


def gp_letters(plan) -> list[int]:
    """The positions of the cared-for people whose GP is named: each can have a GP letter."""
    return [index for index, person in enumerate(plan.cared_for) if person.gp_name or person.gp_practice]


def make_letter(plan, kind: str, settings: LetterSettings, now, person: int = 0) -> bytes:
    """The letter as a PDF. A letter to post needs an address Notify would post to."""
    sender = _sender(settings, now, plan)
    try:
        if kind == LetterKind.CARD:
            card = CardDetails(carer_first_name=first_name(plan.carer_name), card_number=plan.card_number,
                               line_number=sender.line_number, language=sender.language,
                               large_print=plan.carer_large_print)
            address = (plan.carer_address_line1, plan.carer_address_line2, plan.carer_town, plan.carer_postcode)
            return letter_pdf(LetterDetails(card=card, carer_name=plan.carer_name,
                                            address_lines=tuple(line for line in address if line),
                                            review_due_on=plan.review_due_on, written_on=sender.written_on),
                              sender.fonts)
        if kind == LetterKind.CONFIRMATION:
            return confirmation_letter(plan_to_dict(plan), sender)
        if kind == LetterKind.REVIEW:
            return review_letter(plan_to_dict(plan), sender)
        if kind == LetterKind.GP and person in gp_letters(plan):
            return gp_letter(plan_to_dict(plan), person, sender)
    except AddressUnfit as unfit:
        raise Conflict(f"The carer's address cannot go on a letter: {unfit}.") from None
    raise NotFound("There is no such letter for this plan.")


def post_letter(plan, kind: str, settings: LetterSettings, *, by, now) -> tuple[int, bool]:
    """Queue the letter for posting, once per plan, letter, plan version and day: (message id,
    whether it is newly queued). Audited."""
    if kind not in POSTED_KINDS:
        raise NotFound("Only the letters to the carer can be posted.")
    pdf = make_letter(plan, kind, settings, now)
    key = f"plan-letter:{plan.id}:{kind}:v{plan.version}:{local_date(now)}"
    message_id, new = outbox_letters.queue_letter(
        key=key, pdf=pdf, description=f"{TITLES[kind]}, card {plan.card_number}", postage=settings.postage,
        plan_id=plan.id, kind=kind, now=now, by_user_id=by.id if by else None)
    if new:
        audit.record("plan.letter_posted", user=by, now=now, plan_id=plan.id, detail=f"{kind}, outbox {message_id}")
    return message_id, new


def post_on_activation(plan, settings: LetterSettings, *, by, now) -> None:
    """A new plan made active: the carer is posted the card with its covering letter and the
    confirmation with a copy of the plan. A letter that cannot be made (no address to post to,
    no line number to print) never stops the activation: it is audited, to be seen to."""
    for kind in (LetterKind.CARD, LetterKind.CONFIRMATION):
        try:
            post_letter(plan, kind, settings, by=by, now=now)
        except (Conflict, NotFound) as refused:
            audit.record("plan.letter_not_posted", user=by, now=now, plan_id=plan.id, detail=f"{kind}: {refused.message}")
