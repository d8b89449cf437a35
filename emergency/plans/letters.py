"""The letters the line writes about a plan, besides the card's covering letter: the review
letter, the confirmation letter with a copy of the plan, and a letter for a cared-for person's
GP. Pure: a plan as plain data (emergency.plans.snapshot, which never holds the key-safe code)
and the sender's details in, PDF bytes out, laid out for posting (emergency.plans.letter_layout).
Every word comes from the catalogs. With the Noto fonts (card_fonts), a letter to the carer is
bilingual: each heading, paragraph and label in English, then in the carer's language."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from emergency.names import first_name
from emergency.plans.card_fonts import Fonts
from emergency.plans.cards import format_card_number
from emergency.plans.letter_layout import LetterHead, LetterPdf, start_letter
from emergency.wording import phrase
from emergency.wording.catalogs import SOURCE_LANGUAGE


class LetterKind(StrEnum):
    CARD = "card"  # the covering letter with the card to cut out (emergency.plans.card_pdf)
    CONFIRMATION = "confirmation"
    REVIEW = "review"
    GP = "gp"  # one per cared-for person with a GP; printed, not posted: the line has no practice addresses


POSTED_KINDS = (LetterKind.CARD, LetterKind.CONFIRMATION, LetterKind.REVIEW)


@dataclass(frozen=True)
class Sender:
    line_name: str
    line_number: str  # as people dial it
    council_name: str
    call_about_plan: str  # the number (or place) carers call about their plan
    written_on: date
    language: str = "en"  # the carer's: their letters are in it next to English
    fonts: Fonts | None = None  # the Noto fonts, embedded; without them letters are in English only


def _day(value) -> str:
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return value.strftime("%d %B %Y").lstrip("0") if value else ""


def carer_address(plan: dict) -> tuple[str, ...]:
    address = plan["carer"]["address"] or {}
    return (plan["carer"]["name"], *(address.get(part) or "" for part in ("line1", "line2", "town", "postcode")))


def _start(plan_or_none: dict | None, sender: Sender, title: str, address: tuple[str, ...], *,
           for_post: bool = True, bilingual: bool = True) -> LetterPdf:
    """A letter to the carer (`bilingual`) is in their language and, for a large-print plan, in
    large print; the GP's is in English and ordinary print."""
    sender_lines = [sender.council_name, sender.line_name, sender.line_number, _day(sender.written_on)]
    if plan_or_none is not None:
        sender_lines.append(phrase("letter.card_number", card=format_card_number(plan_or_none["card_number"])))
    languages = (SOURCE_LANGUAGE, sender.language) if bilingual else (SOURCE_LANGUAGE,)
    large_print = bilingual and bool(plan_or_none and plan_or_none["carer"].get("large_print"))
    return start_letter(LetterHead(title=title, heading=sender.line_name,
                                   sender_lines=[line for line in sender_lines if line], address_lines=address),
                        sender.fonts, languages, for_post=for_post, large_print=large_print)


Said = Callable[[str], str]  # a phrase in the language given


def _in_each(pdf: LetterPdf, said: Said) -> list[tuple[str, str]]:
    """The phrase in each of the letter's languages: (language, words)."""
    return [(language, said(language)) for language in pdf.languages]


def _heading(pdf: LetterPdf, said: Said, size: float = 14) -> None:
    for language, words in _in_each(pdf, said):
        pdf.heading(words, size=size, language=language)


def _paragraph(pdf: LetterPdf, said: Said, *, bold: bool = False, size: float = 11) -> None:
    for language, words in _in_each(pdf, said):
        pdf.paragraph(words, bold=bold, size=size, language=language)


def _inline(pdf: LetterPdf, said: Said) -> str:
    """A phrase inside a value, written left to right: in each such language, with a slash between."""
    return " / ".join(words for language, words in _in_each(pdf, said) if not pdf.lettering.right_to_left(language))


def confirmation_letter(plan: dict, sender: Sender) -> bytes:
    """To the carer: their plan as the line holds it, to check. Never the key-safe code."""
    pdf = _start(plan, sender, phrase("letter.confirmation.title"), carer_address(plan))
    _heading(pdf, lambda lang: phrase("letter.confirmation.title", lang))
    _paragraph(pdf, lambda lang: phrase("letter.dear", lang, name=first_name(plan["carer"]["name"])))
    _paragraph(pdf, lambda lang: phrase("letter.confirmation.intro", lang, line=sender.line_name,
                                        date=_day(sender.written_on), call=sender.call_about_plan))
    plan_copy(pdf, plan)
    _paragraph(pdf, lambda lang: phrase("letter.in_danger", lang), bold=True)
    return pdf.output_bytes()


def review_letter(plan: dict, sender: Sender) -> bytes:
    """To the carer: their plan is due for review, with the plan as it stands to look over."""
    pdf = _start(plan, sender, phrase("letter.review.title"), carer_address(plan))
    _heading(pdf, lambda lang: phrase("letter.review.title", lang))
    _paragraph(pdf, lambda lang: phrase("letter.dear", lang, name=first_name(plan["carer"]["name"])))
    _paragraph(pdf, lambda lang: phrase("letter.review.intro", lang, line=sender.line_name,
                                        due=_day(plan["review_due_on"]), call=sender.call_about_plan))
    plan_copy(pdf, plan)
    _paragraph(pdf, lambda lang: phrase("letter.in_danger", lang), bold=True)
    return pdf.output_bytes()


def gp_letter(plan: dict, person_index: int, sender: Sender) -> bytes:
    """To the GP of one cared-for person, in English: a plan exists and how the line works. No
    health details (the GP has them), no contacts, no way in."""
    lang, person = SOURCE_LANGUAGE, plan["cared_for"][person_index]
    gp = person["gp"]
    pdf = _start(plan, sender, phrase("letter.gp.title", lang, cared_for=person["name"]),
                 (gp["name"] or phrase("letter.gp.the_gp", lang), gp["practice"] or ""), for_post=False,
                 bilingual=False)
    pdf.heading(phrase("letter.gp.title", lang, cared_for=person["name"]))
    pdf.paragraph(phrase("letter.gp.dear", lang))
    born = phrase("letter.gp.born", lang, date=_day(person["date_of_birth"])) if person["date_of_birth"] else ""
    pdf.paragraph(phrase("letter.gp.intro", lang, cared_for=person["name"], born=born, carer=plan["carer"]["name"],
                         line=sender.line_name, council=sender.council_name))
    pdf.paragraph(phrase("letter.gp.how", lang, carer=first_name(plan["carer"]["name"]), number=sender.line_number,
                         card=format_card_number(plan["card_number"])))
    pdf.paragraph(phrase("letter.gp.ask", lang, cared_for=person["name"], call=sender.call_about_plan))
    pdf.paragraph(phrase("letter.yours", lang, council=sender.council_name, line=sender.line_name))
    return pdf.output_bytes()


def plan_copy(pdf: LetterPdf, plan: dict) -> None:
    _heading(pdf, lambda lang: phrase("letter.plan.you", lang), size=12)
    carer = plan["carer"]
    pdf.fields([(_in_each(pdf, lambda lang: phrase("letter.plan.name", lang)), carer["name"]),
                (_in_each(pdf, lambda lang: phrase("letter.plan.mobile", lang)), carer["mobile"] or ""),
                (_in_each(pdf, lambda lang: phrase("letter.plan.landline", lang)), carer["landline"] or ""),
                (_in_each(pdf, lambda lang: phrase("letter.plan.card_number", lang)), format_card_number(plan["card_number"])),
                (_in_each(pdf, lambda lang: phrase("letter.plan.review_due", lang)), _day(plan["review_due_on"]))])
    for person in plan["cared_for"]:
        _heading(pdf, lambda lang, name=person["name"]: phrase("letter.plan.cared_for", lang, name=name), size=12)
        gp = " ".join(part for part in (person["gp"]["name"], person["gp"]["practice"], person["gp"]["phone"] or "")
                      if part)
        pdf.fields([(_in_each(pdf, lambda lang: phrase("letter.plan.needs", lang)), person["needs"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.conditions", lang)), person["conditions"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.medication", lang)), person["medication"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.medication_location", lang)), person["medication_location"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.allergies", lang)), person["allergies"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.mobility", lang)), person["mobility_needs"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.communication", lang)), person["communication_needs"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.routines", lang)), person["routines"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.pets", lang)), person["pets"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.other_care", lang)), person["other_care"]),
                    (_in_each(pdf, lambda lang: phrase("letter.plan.gp", lang)), gp)])
    access = plan["home_access"]
    _heading(pdf, lambda lang: phrase("letter.plan.getting_in", lang), size=12)
    pdf.fields([(_in_each(pdf, lambda lang: phrase("letter.plan.how_to_get_in", lang)), access["how_to_get_in"]),
                (_in_each(pdf, lambda lang: phrase("letter.plan.key_holders", lang)), access["key_holders"])])
    if access["has_key_safe_code"]:
        _paragraph(pdf, lambda lang: phrase("letter.plan.key_safe_kept", lang), size=10)
    else:
        _paragraph(pdf, lambda lang: phrase("letter.plan.no_key_safe", lang), size=10)
    _heading(pdf, lambda lang: phrase("letter.plan.contacts", lang), size=12)
    if not plan["contacts"]:
        _paragraph(pdf, lambda lang: phrase("letter.plan.no_contacts", lang), size=10)
    for number, contact in enumerate(plan["contacts"], start=1):
        phones = ", ".join(p for p in (contact["mobile"], contact["landline"]) if p)
        holds_key = _inline(pdf, lambda lang: phrase("letter.plan.holds_key", lang)) if contact["holds_key"] else ""
        pdf.fields([(f"{number}. {contact['name']}",
                     "; ".join(part for part in (contact["relationship"], phones, holds_key) if part))])
    if plan["instructions"]:
        _heading(pdf, lambda lang: phrase("letter.plan.instructions", lang), size=12)
        pdf.paragraph(plan["instructions"], size=10)
