"""What the line does with calls, texts and delivery reports: translate each into a domain
verb (open, accept, decline, done, failed) and an answer. Callers commit."""
from flask import current_app
from sqlalchemy import select

from emergency.audit import service as audit
from emergency.extensions import db
from emergency.incidents import service as incidents
from emergency.incidents.messages import LINE, first_name, who_and_where
from emergency.incidents.models import Page
from emergency.outbox.models import OutboxMessage
from emergency.outbox.service import queue_message
from emergency.plans.cards import CardNumberError, parse_card_number
from emergency.plans.consent import parse_consent_reply, record_reply
from emergency.plans.models import ContingencyPlan, KeySafeCode
from emergency.rota import service as rota
from emergency.rota.models import DutyOfficer
from emergency.telephony import opt_outs
from emergency.telephony.gateway import OPTED_OUT
from emergency.telephony.replies import parse_text
from emergency.telephony.sender import channel_failed

HELP = (f"{LINE}: text the number on the carer's emergency card to get help. To answer an ask, reply "
        f"ACCEPT or DECLINE with its code. If anyone is in danger, call 999.")
SORRY_PLEASE_CALL = f"{LINE}: sorry, something went wrong. Please call this number; if anyone is in danger, call 999."
FAILED_STATUSES = {"failed", "undelivered", "busy", "no-answer", "canceled"}
MESSAGE_ORDER = {"accepted": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "undelivered": 4,
                 "failed": 4, "read": 5}


# Texts

def handle_text(sender: str, body: str, now) -> str | None:
    """The reply to a text, or None for no reply."""
    consent = parse_consent_reply(body)
    if consent is not None:
        return record_reply(sender, consent, now)
    reply = parse_text(body)
    if reply.kind == "stop":
        opt_outs.opt_out(sender, now)
        return None  # the phone company confirms opt-outs itself
    if reply.kind == "start":
        opt_outs.opt_in(sender)
        return None
    if reply.kind == "help":
        return HELP
    if reply.kind in ("accept", "decline", "done"):
        return _answer(sender, reply.kind, reply.code, now)
    if reply.kind == "card":
        return _card_by_text(sender, reply.card_digits, now)
    if reply.kind == "rating" and _record_rating(sender, reply.rating, now):
        return f"{LINE}: thank you for telling us."
    return HELP if _is_known(sender) else None


def _answer(sender: str, verb: str, code: str | None, now) -> str | None:
    page, problem = _page_answered(sender, code, done=verb == "done")
    if page is None:
        return problem
    if verb == "accept":
        won, _ = incidents.accept(page, now)
        return None  # the details text (or "already covered") goes out through the outbox
    if verb == "decline":
        if page.status == "accepted":
            return f"{LINE}: you have accepted this ask. If you can no longer go, please call this number now."
        incidents.decline(page, now)
        return f"{LINE}: thank you for letting us know. We are asking someone else."
    incident = page.incident
    if incident.accepted_page_id != page.id:
        return f"{LINE}: only the person who accepted can close this emergency."
    if incident.status != "accepted":
        return f"{LINE}: this emergency is already closed. Thank you."
    incidents.resolve(incident, now, by=f"{page.name} (DONE by text)")
    return f"{LINE}: thank you. The emergency is closed."


def _page_answered(sender: str, code: str | None, done: bool):
    if code:
        page = incidents.page_for_reply(sender, code)
        return (page, None) if page else (None, f"{LINE}: we have no ask with code {code} for this number.")
    if done:
        accepted = db.session.scalars(select(Page).where(Page.phone == sender, Page.status == "accepted")
                                      .order_by(Page.id.desc())).first()
        return (accepted, None) if accepted else (None, f"{LINE}: reply DONE with the code from your ask.")
    pending = incidents.open_pages_for(sender)
    if len(pending) == 1:
        return pending[0], None
    if not pending:
        return None, f"{LINE}: you have no open asks."
    codes = ", ".join(page.code for page in pending)
    return None, f"{LINE}: you have {len(pending)} open asks; reply with the code too (codes {codes})."


def _card_by_text(sender: str, digits: str, now) -> str:
    try:
        card = parse_card_number(digits)
    except CardNumberError:
        return (f"{LINE}: that card number doesn't look right - a digit may be mistyped. Please check the card "
                f"and text it again, or call this number.")
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.card_number == card))
    if plan is None or plan.status != "active":
        why = "an unknown card" if plan is None else f"a card whose plan is {plan.status}"
        _hand_to_duty_officer(sender, "sms", why, now, plan)
        return f"{LINE}: we couldn't use that card, so the duty officer is being told and will call you back."
    incident, joined = incidents.open_incident(plan, caller_number=sender, channel="sms", now=now)
    carer, cared_for, _ = who_and_where(incident.plan_snapshot)
    if joined:
        return f"{LINE}: we are already arranging help for {cared_for}. You will get a text when someone is on the way."
    return (f"{LINE}: thank you. We are contacting {carer}'s emergency contacts now. You will get a text when "
            f"someone is on the way to {cared_for}. If anyone is in danger, call 999.")


def _hand_to_duty_officer(caller: str, channel: str, why: str, now, plan=None) -> list[str]:
    """A contact we cannot act on by ourselves: record it on the incident list and tell the
    people on duty. Returns the numbers to put a caller through to, in order."""
    incident = incidents.record_for_a_person(caller_number=caller, channel=channel, why=why, now=now, plan=plan)
    numbers = [officer.mobile for tier in (1, 2, 3) for officer in rota.on_duty(now)[tier]]
    fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
    body = f"{LINE}: {channel} from {caller} with {why}. Please call them back now (incident {incident.id})."
    for number in (numbers[:1] or ([fallback] if fallback else [])):
        queue_message(key=f"incident:{incident.id}:hand-over:{number}", channel="sms", to_number=number, body=body,
                      purpose="hand_over", now=now)
    return numbers + ([fallback] if fallback else [])


def text_after_error(sender: str, now) -> str:
    """The last resort when handling a text went wrong: the text is not lost, a person is told."""
    try:
        _hand_to_duty_officer(sender, "sms", "a text the line's software could not handle", now)
        db.session.flush()
        return f"{LINE}: sorry, something went wrong here, so the duty officer is being told and will call you back. " \
               f"If anyone is in danger, call 999."
    except Exception:  # the database itself may be the fault
        db.session.rollback()
        current_app.logger.exception("a text from %s could not even be handed to the duty officer", sender)
        return SORRY_PLEASE_CALL


def _record_rating(sender: str, rating: int, now) -> bool:
    incident = incidents.awaiting_rating_from(sender, now)
    if incident is None:
        return False
    incidents.record_survey(incident, rating, now)
    return True


def _is_known(sender: str) -> bool:
    return bool(db.session.scalar(select(Page.id).where(Page.phone == sender).limit(1))
                or db.session.scalar(select(DutyOfficer.id).where(DutyOfficer.mobile == sender)))


# Calls

def card_by_keypad(caller: str, digits: str, retry_allowed: bool, now):
    """('opened', words) | ('retry', None) | ('connect', (words, numbers))."""
    try:
        card = parse_card_number(digits)
    except CardNumberError as error:
        if retry_allowed:
            return "retry", None
        return "connect", _connect(caller, f"a card number that could not be read ({error})", now)
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.card_number == card))
    if plan is None or plan.status != "active":
        if plan is None and retry_allowed:
            return "retry", None
        why = f"unknown card {card}" if plan is None else f"card {card}, whose plan is {plan.status}"
        return "connect", _connect(caller, why, now, plan)
    incident, joined = incidents.open_incident(plan, caller_number=caller, channel="voice", now=now)
    carer, cared_for, _ = who_and_where(incident.plan_snapshot)
    if joined:
        words = f"Thank you. We are already arranging help for {cared_for}. You will get a text when someone is on the way."
    else:
        words = (f"Thank you. We are contacting {carer}'s emergency contacts now, and then our duty officers. "
                 f"You will get a text when someone is on the way to {cared_for}. If anyone is in danger, call 999.")
    return "opened", words


def _connect(caller: str, why: str, now, plan=None):
    numbers = _hand_to_duty_officer(caller, "voice", why, now, plan)
    return "Putting you through to the duty officer now.", numbers


def connect_after_error(caller: str, now):
    """The last resort when anything went wrong: ring whoever can be rung."""
    try:
        return _connect(caller, "a fault in the line's software", now)
    except Exception:  # the database itself may be the fault: the fallback needs no database
        db.session.rollback()
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        return "Putting you through now.", [fallback] if fallback else []


def ask_words(page: Page) -> str:
    from emergency.incidents.messages import ask_call

    return ask_call(page.incident.plan_snapshot, page.code, page.who)


def keypress(page: Page, digit: str, now) -> str:
    """What the person called hears after pressing a key."""
    if digit == "1":
        won, accepter = incidents.accept(page, now)
        if not won:
            return f"Thank you. This is already covered by {first_name(accepter)}. No need to go." if accepter else \
                "Thank you. This emergency has been closed. No need to go."
        return "Thank you for going. " + _essentials(page, now)
    incidents.decline(page, now)
    return "Thank you for letting us know. We will ask someone else. Goodbye."


def _essentials(page: Page, now) -> str:
    """Read out after acceptance only: the accepter is identified by the phone we rang."""
    snapshot = page.incident.plan_snapshot
    address = snapshot["carer"]["address"]
    parts = [f"The address is {address['line1']}, {address['town']}, {address['postcode']}."]
    access = snapshot["home_access"]["how_to_get_in"]
    if access:
        parts.append(f"To get in: {access}.")
    key_safe = db.session.get(KeySafeCode, page.incident.plan_id)
    if key_safe:
        parts.append(f"The key safe code is {' '.join(key_safe.code)}.")
    for person in snapshot["cared_for"]:
        details = [person[k] for k in ("needs", "medication", "medication_location", "allergies") if person[k]]
        parts.append(f"{person['name']}: " + " ".join(details))
    parts.append("The details are also in a text we are sending you. Reply DONE with your code when everyone is safe.")
    audit.record("plan.details_read_to_accepter", user=None, now=now, plan_id=page.incident.plan_id,
                 detail=f"incident {page.incident_id}, read out on the call to {page.name} ({page.phone})")
    return " ".join(parts)


def unanswered_call(page: Page, now) -> None:
    incidents.page_failed(page, now, "no key pressed on the call", unanswered=True)


# Delivery reports

def delivery_report(provider_id: str, status: str, error_code: str | None, sequence: int | None, now) -> None:
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message is None:
        return
    order = sequence if sequence is not None else MESSAGE_ORDER.get(status, 0)
    if order <= message.provider_sequence:
        return  # an older report, arriving late
    message.provider_sequence, message.provider_status = order, status
    if error_code == str(OPTED_OUT):
        opt_outs.opt_out(message.to_number, now)
    if status in FAILED_STATUSES:
        message.status, message.last_error = "failed", f"{status}" + (f" ({error_code})" if error_code else "")
        channel_failed(message, now, message.last_error)
    elif status == "delivered":
        message.status = "delivered"
    elif status == "completed" and message.channel == "call":
        page = db.session.get(Page, message.page_id) if message.page_id else None
        if page is not None and page.status == "open" and message.purpose == "ask":
            # Answered but no key pressed: voicemail, or hung up. Only a keypress is a person.
            message.status, message.last_error = "failed", "answered without a keypress"
            channel_failed(message, now, "the call ended without a keypress")
        else:
            message.status = "delivered"
