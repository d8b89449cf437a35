"""What the line does with calls, texts and delivery reports: translate each into a domain
verb (open, accept, decline, done, failed) and an answer. Callers commit."""
from flask import current_app
from sqlalchemy import select, update

from emergency.audit import service as audit
from emergency.cover import replies as cover_replies
from emergency.errors import Conflict
from emergency.extensions import db
from emergency.incidents import answers, closing, hand_over, messages, opening, surveys, timeline
from emergency.incidents.messages import first_name
from emergency.incidents.models import Incident, Page
from emergency.incidents.vocabulary import EventKind, IncidentStatus, NeedsPersonReason, Origin, PageStatus
from emergency.outbox import delivery_reports, opt_outs, twilio_transport
from emergency.plans.cards import CardNumberError, has_valid_check_digit, parse_card_number
from emergency.plans.consent import parse_consent_reply, record_reply
from emergency.plans.models import ContingencyPlan, KeySafeCode
from emergency.plans.vocabulary import PlanStatus
from emergency.rota import service as rota
from emergency.rota.models import DutyOfficer
from emergency.telephony.models import PutThrough
from emergency.telephony.replies import parse_text
from emergency.telephony.vocabulary import CallOutcome
from emergency.wording import phrase
from emergency.wording.languages import spoken

# Texts

def handle_text(sender: str, body: str, now) -> str | None:
    """The reply to a text, or None for no reply. No text is a dead end: one the line cannot
    act on by itself reaches a person."""
    consent = parse_consent_reply(body)
    if consent is not None:
        return record_reply(sender, consent, now)
    reply = parse_text(body)
    if reply.kind == "stop":
        opt_outs.opt_out(sender, now)
        cover_replies.stopped(sender, now)
        return None  # the phone company confirms opt-outs itself
    if reply.kind == "start":
        opt_outs.opt_in(sender)
        return None
    language = _language_of(sender)
    if reply.kind == "help":
        return phrase("text.help", language)
    if reply.kind in ("accept", "decline", "done"):
        about_cover = cover_replies.answer(sender, reply.kind, reply.code, now, words=reply.words)
        if about_cover is cover_replies.NOT_MINE:
            return _answer(sender, reply.kind, reply.code, now, language)
        return about_cover
    if reply.kind == "home":
        about_cover = cover_replies.home(sender, reply.card_candidates, now)
        if about_cover is not None:
            return about_cover
    found = _plan_named(reply.card_candidates)
    if found.plan is not None:
        return _card_by_text(sender, found, body, now, language)
    if reply.kind == "rating" and _record_rating(sender, reply.rating, now):
        return phrase("text.rating_thanks", language)
    open_asks = answers.open_pages_for(sender)
    if open_asks:
        return messages.not_understood([(page.code, page.incident.plan_snapshot) for page in open_asks], language)
    accepted = _live_accepted_page(sender)
    if accepted is not None:
        return messages.accepted_reminder(accepted.code, accepted.incident.plan_snapshot, language)
    called = opening.live_incident_called_by(sender, now)
    if called is not None:
        timeline.note(called, now, EventKind.CALLERS_TEXT, _kept(body))
        return _answered(called, now, _where_things_stand(called))
    if not reply.card_candidates and _is_known(sender):
        return phrase("text.help", language)
    handed = hand_over.hand_to_a_person(sender, Origin.SMS, found.reason, found.why, now)
    timeline.note(handed.incident, now, EventKind.CALLERS_TEXT, _kept(body))
    return _answered(handed.incident, now, messages.no_card_found(handed.told, mistyped=found.mistyped,
                                                                  language=language))


def _language_of(sender: str) -> str:
    """Someone who has been asked is answered in the language they were asked in; anyone else
    in the language they last chose on the line, or English."""
    asked = db.session.scalar(select(Page.language).where(Page.phone == sender).order_by(Page.id.desc()).limit(1))
    if asked is not None:
        return asked
    chosen = db.session.scalar(select(Incident.caller_language).where(Incident.caller_number == sender)
                               .order_by(Incident.id.desc()).limit(1))
    return chosen or "en"


def _answered(incident: Incident, now, words: str) -> str:
    """What the caller is told in answer to their text or call is on the timeline too."""
    timeline.note(incident, now, EventKind.CALLER_TOLD, words)
    return words


class _CardsFound:
    """What the card numbers in a text come to: a plan (any status), or why there is none."""

    def __init__(self, plan=None, why="a text with no card number in it", reason=NeedsPersonReason.NO_CARD,
                 mistyped=False):
        self.plan, self.why, self.reason, self.mistyped = plan, why, reason, mistyped


def _plan_named(candidates) -> _CardsFound:
    """The plan the text's card number names. Of every 10-digit reading, only those that pass
    the check digit and name a plan count, an active plan first: a date never hides a card."""
    valid = [digits for digits in candidates if has_valid_check_digit(digits)]
    if valid:
        plans = db.session.scalars(select(ContingencyPlan).where(ContingencyPlan.card_number.in_(valid))).all()
        if plans:
            plans.sort(key=lambda plan: (plan.status != PlanStatus.ACTIVE, valid.index(plan.card_number)))
            return _CardsFound(plans[0])
        return _CardsFound(why=f"an unknown card {valid[0]}", reason=NeedsPersonReason.UNKNOWN_CARD)
    if candidates:
        return _CardsFound(why="a card number that could not be read (a digit may be mistyped)",
                           reason=NeedsPersonReason.UNREADABLE_CARD, mistyped=True)
    return _CardsFound()


def _kept(body: str) -> str:
    return (body or "").strip()[:1000]


def _live_accepted_page(sender: str) -> Page | None:
    return db.session.scalars(
        select(Page).join(Incident, Page.incident_id == Incident.id)
        .where(Page.phone == sender, Page.status == PageStatus.ACCEPTED, Incident.status == IncidentStatus.ACCEPTED)
        .order_by(Page.id.desc())
    ).first()


def _where_things_stand(incident: Incident) -> str:
    accepter = db.session.get(Page, incident.accepted_page_id) if incident.accepted_page_id else None
    return messages.where_things_stand(incident.plan_snapshot, incident.status, accepter.name if accepter else None,
                                       current_app.config["FALLBACK_PHONE_NUMBER"], incident.caller_language)


def _answer(sender: str, verb: str, code: str | None, now, language: str) -> str | None:
    page, problem = _page_answered(sender, code, verb == "done", language)
    if page is None:
        return problem
    language = page.language
    if verb == "accept":
        answers.accept(page, now)
        return None  # the details text (or "already covered") goes out through the outbox
    if verb == "decline":
        if page.status == PageStatus.ACCEPTED:
            return phrase("ask.decline_after_accept", language)
        answers.decline(page, now)
        return phrase("ask.declined", language)
    incident = page.incident
    if incident.accepted_page_id != page.id:
        return phrase("ask.done_not_accepter", language)
    if incident.status != IncidentStatus.ACCEPTED:
        return phrase("ask.already_closed", language)
    try:
        closing.resolve(incident, now, by=f"{page.name} (DONE by text)")
    except Conflict:  # cover is still live: it ends first
        return phrase("cover.still_live", language)
    return phrase("ask.closed", language)


def _page_answered(sender: str, code: str | None, done: bool, language: str):
    if code:
        page = answers.page_for_reply(sender, code)
        return (page, None) if page else (None, phrase("ask.no_such_code", language, code=code))
    if done:
        accepted = db.session.scalars(select(Page).where(Page.phone == sender, Page.status == PageStatus.ACCEPTED)
                                      .order_by(Page.id.desc())).first()
        return (accepted, None) if accepted else (None, phrase("ask.done_needs_code", language))
    pending = answers.open_pages_for(sender)
    if len(pending) == 1:
        return pending[0], None
    if not pending:
        return None, phrase("ask.no_open_asks", language)
    return None, phrase("ask.which_ask", language, codes=", ".join(page.code for page in pending))


def _card_by_text(sender: str, found: _CardsFound, body: str, now, language: str) -> str:
    plan = found.plan
    if plan.status != PlanStatus.ACTIVE:
        handed = hand_over.hand_to_a_person(sender, Origin.SMS, NeedsPersonReason.PLAN_NOT_ACTIVE,
                                            f"a card whose plan is {plan.status}", now, plan)
        timeline.note(handed.incident, now, EventKind.CALLERS_TEXT, _kept(body))
        return _answered(handed.incident, now, messages.card_not_usable(handed.told, language))
    incident, joined = opening.open_incident(plan, caller_number=sender, channel=Origin.SMS, now=now,
                                             caller_language=language)
    timeline.note(incident, now, EventKind.CALLERS_TEXT, _kept(body))
    if joined:
        return _answered(incident, now, _where_things_stand(incident))
    return _answered(incident, now, messages.caller_opened(incident.plan_snapshot, incident.caller_language))


def text_after_error(sender: str, now) -> str:
    """The last resort when handling a text went wrong while the database answers: the text
    is not lost, a person is told. Raises only if even that fails."""
    try:
        handed = hand_over.hand_to_a_person(sender, Origin.SMS, NeedsPersonReason.FAULT,
                                            "a text the line's software could not handle", now)
        db.session.flush()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("a text from %s could not even be handed to a person", sender)
        raise
    if not handed.told:
        return phrase("text.sorry_please_call")
    return phrase("text.sorry_officer_told")


def _record_rating(sender: str, rating: int, now) -> bool:
    incident = surveys.awaiting_rating_from(sender, now)
    if incident is None:
        return False
    surveys.record_survey(incident, rating, now)
    return True


def _is_known(sender: str) -> bool:
    return bool(db.session.scalar(select(Page.id).where(Page.phone == sender).limit(1))
                or db.session.scalar(select(DutyOfficer.id).where(DutyOfficer.mobile == sender)))


# Calls

def card_by_keypad(caller: str, digits: str, retry_allowed: bool, now, language: str = "en"):
    """(OPENED, words) | (RETRY, None) | (CONNECT, PutThroughPlan), the words in the caller's language."""
    try:
        card = parse_card_number(digits)
    except CardNumberError as error:
        if retry_allowed:
            return CallOutcome.RETRY, None
        return CallOutcome.CONNECT, _connect(caller, NeedsPersonReason.UNREADABLE_CARD,
                                             f"a card number that could not be read ({error})", now,
                                             language=language)
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.card_number == card))
    if plan is None or plan.status != PlanStatus.ACTIVE:
        if plan is None and retry_allowed:
            return CallOutcome.RETRY, None
        if plan is None:
            return CallOutcome.CONNECT, _connect(caller, NeedsPersonReason.UNKNOWN_CARD, f"unknown card {card}", now,
                                                 language=language)
        return CallOutcome.CONNECT, _connect(caller, NeedsPersonReason.PLAN_NOT_ACTIVE,
                                             f"card {card}, whose plan is {plan.status}", now, plan,
                                             language=language)
    incident, joined = opening.open_incident(plan, caller_number=caller, channel=Origin.VOICE, now=now,
                                             caller_language=language)
    said_in = spoken(language)
    carer, cared_for, _ = messages.who_and_where(incident.plan_snapshot, said_in)
    if not joined:
        return CallOutcome.OPENED, _answered(incident, now, phrase("voice.opened", said_in, carer=carer,
                                                                   cared_for=cared_for))
    timeline.note(incident, now, EventKind.CALLER_RANG_AGAIN, caller or "an unknown number")
    if incident.status == IncidentStatus.EXHAUSTED:
        # Nobody is being asked any more: the truth, then a person.
        words = phrase("voice.nobody_found", said_in, cared_for=cared_for)
        people = hand_over.people_to_put_through(rota.on_duty(now))
        return CallOutcome.CONNECT, PutThroughPlan(_answered(incident, now, words), people, incident.id)
    if incident.status == IncidentStatus.ACCEPTED:
        accepter = db.session.get(Page, incident.accepted_page_id)
        who = first_name(accepter.name) if accepter else phrase("voice.someone", said_in)
        return CallOutcome.OPENED, _answered(incident, now, phrase("voice.help_arranged", said_in, accepter=who,
                                                                   cared_for=cared_for))
    return CallOutcome.OPENED, _answered(incident, now, phrase("voice.still_arranging", said_in,
                                                               cared_for=cared_for))


class PutThroughPlan:
    """What a caller put through to people hears first, who is rung in order, the incident
    the call is recorded on (None when the database could not be reached), and whether a
    person was told by text or email to call them back."""

    def __init__(self, words: str, people: list[list[str]], incident_id: int | None, told: bool = False):
        self.words, self.people, self.incident_id, self.told = words, people, incident_id, told


def _connect(caller: str, reason: NeedsPersonReason, why: str, now, plan=None, language: str = "en") -> PutThroughPlan:
    handed = hand_over.hand_to_a_person(caller, Origin.VOICE, reason, why, now, plan)
    return PutThroughPlan(phrase("voice.putting_through_duty_officer", spoken(language)), handed.put_through,
                          handed.incident.id, handed.told)


def connect_after_error(caller: str, now) -> PutThroughPlan:
    """The last resort when anything went wrong: ring whoever can be rung."""
    try:
        return _connect(caller, NeedsPersonReason.FAULT, "a fault in the line's software", now)
    except Exception:  # the database itself may be the fault: the fallback needs no database
        db.session.rollback()
        current_app.logger.exception("a call from %s could not be recorded; putting it through to the fallback", caller)
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        if not fallback:
            hand_over.nobody_reached(None, now, "the database could not record the call and there is no fallback "
                                                "number", what="call")
        return PutThroughPlan(phrase("voice.putting_through"), [["the fallback number", fallback]] if fallback else [],
                              None)


def start_put_through(plan: PutThroughPlan, call_sid: str | None, now) -> PutThrough:
    put_through = PutThrough(incident_id=plan.incident_id, call_sid=call_sid, people=plan.people, created_at=now)
    db.session.add(put_through)
    db.session.flush()
    return put_through


def leg_rung(put_through: PutThrough, leg: int, now) -> None:
    name, number = put_through.people[leg]
    _note_call(put_through, now, f"rang {name} ({number}), leg {leg + 1} of {len(put_through.people)}")


def leg_taken(put_through: PutThrough, leg: int, now) -> bool:
    """A key press on the screened leg: the person takes the call. Only one leg can."""
    taken = db.session.execute(
        update(PutThrough).where(PutThrough.id == put_through.id, PutThrough.taken_leg.is_(None))
        .values(taken_leg=leg).execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.refresh(put_through)
    if taken:
        name, number = put_through.people[leg]
        _note_call(put_through, now, f"{name} ({number}) pressed 1 and took the call")
    return put_through.taken_leg == leg


def leg_ended(put_through: PutThrough, leg: int, dial_status: str, seconds: int | None, now) -> bool:
    """The Dial for one leg is over. True when a person took the call (the chain ends);
    False when it moves on: not answered, busy, or answered without a key press (a voicemail)."""
    name, _ = put_through.people[leg]
    took = put_through.taken_leg == leg and dial_status in ("completed", "answered")
    length = f" after {seconds} s" if seconds is not None else ""
    if took:
        outcome = f"{name}: talked with the caller{length}"
    elif dial_status in ("completed", "answered"):
        outcome = f"{name}: answered but no key was pressed (a voicemail or a hang-up){length}; moving on"
    else:
        outcome = f"{name}: not taken ({dial_status or 'no status'}){length}; moving on"
    _note_call(put_through, now, outcome)
    return took


def nobody_took_the_call(put_through: PutThrough, now) -> None:
    _note_call(put_through, now, "nobody took the call; the caller was told to call 999 if in danger or call again")


def _note_call(put_through: PutThrough, now, detail: str) -> None:
    if put_through.incident_id is not None:
        timeline.note(db.session.get(Incident, put_through.incident_id), now, EventKind.PUT_THROUGH, detail)


def ask_words(page: Page) -> str:
    return messages.ask_call(page.incident.plan_snapshot, page.code, page.who, spoken(page.language))


def keypress(page: Page, digit: str, now) -> str:
    """What the person called hears after pressing a key, in the language they are asked in."""
    language = spoken(page.language)
    if digit == "1":
        won, accepter = answers.accept(page, now)
        if not won:
            if accepter:
                return phrase("ask.call.too_late", language, accepter=first_name(accepter))
            return phrase("ask.call.closed", language)
        return phrase("ask.call.thanks_for_going", language) + _essentials(page, now)
    answers.decline(page, now)
    return phrase("ask.call.declined", language)


def _essentials(page: Page, now) -> str:
    """Read out after acceptance only: the accepter is identified by the phone we rang."""
    snapshot = page.incident.plan_snapshot
    address = snapshot["carer"]["address"]
    language = spoken(page.language)
    parts = [phrase("essentials.address", language,
                    address=f"{address['line1']}, {address['town']}, {address['postcode']}")]
    access = snapshot["home_access"]["how_to_get_in"]
    if access:
        parts.append(phrase("essentials.get_in", language, how=access))
    key_safe = db.session.get(KeySafeCode, page.incident.plan_id)
    if key_safe:
        parts.append(phrase("essentials.key_safe", language, code=" ".join(key_safe.code)))
    for person in snapshot["cared_for"]:
        details = [person[k] for k in ("needs", "medication", "medication_location", "allergies") if person[k]]
        parts.append(f"{person['name']}: " + " ".join(details))
    parts.append(phrase("essentials.also_texted", language))
    audit.record("plan.details_read_to_accepter", user=None, now=now, plan_id=page.incident.plan_id,
                 detail=f"incident {page.incident_id}, read out on the call of ask {page.id} ({page.who})")
    return " ".join(parts)


def essentials(page: Page, now) -> str:
    """The essentials again, as the plan and key-safe code now stand (audited)."""
    text = _essentials(page, now)
    db.session.commit()
    return text


def unanswered_call(page: Page, now) -> None:
    answers.page_failed(page, now, "no key pressed on the call", unanswered=True)


# Delivery reports

def delivery_report(provider_id: str, status: str, error_code: str | None, sequence: int | None, now) -> None:
    """A Twilio status callback: the outbox records it and tells whoever subscribed (a failed ask moves on)."""
    delivery_reports.record(provider_id, twilio_transport.delivery_report(status, error_code, sequence), now)
