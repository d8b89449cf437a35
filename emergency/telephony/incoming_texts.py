"""A text to the line: a consent reply, STOP or START, an answer to an ask (ACCEPT, DECLINE,
DONE), a card number, a survey rating, or anything else, which reaches a person. Each is
translated into a domain verb and a reply. Callers commit."""
from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from emergency.cover import replies as cover_replies
from emergency.errors import Conflict
from emergency.extensions import db
from emergency.incidents import answers, closing, hand_over, messages, opening, surveys, timeline
from emergency.incidents.models import Incident, Page
from emergency.incidents.vocabulary import EventKind, IncidentStatus, NeedsPersonReason, Origin, PageStatus
from emergency.outbox import opt_outs
from emergency.plans.cards import has_valid_check_digit
from emergency.plans.consent import parse_consent_reply, record_reply
from emergency.plans.models import ContingencyPlan
from emergency.plans.vocabulary import PlanStatus
from emergency.rota.models import DutyOfficer
from emergency.telephony.caller_answers import answered
from emergency.telephony.replies import parse_text
from emergency.wording import phrase


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
        return answered(called, now, _where_things_stand(called))
    if not reply.card_candidates and _is_known(sender):
        return phrase("text.help", language)
    handed = hand_over.hand_to_a_person(sender, Origin.SMS, found.reason, found.why, now)
    timeline.note(handed.incident, now, EventKind.CALLERS_TEXT, _kept(body))
    return answered(handed.incident, now, messages.no_card_found(handed.told, mistyped=found.mistyped,
                                                                 language=language))


# One query for both: nearly every text needs its language, so it is one round trip, not two;
# built once, as building it took more of a text's CPU than running it.
_LANGUAGE_OF = select(func.coalesce(
    select(Page.language).where(Page.phone == bindparam("sender"))
    .order_by(Page.id.desc()).limit(1).scalar_subquery(),
    select(Incident.caller_language).where(Incident.caller_number == bindparam("sender"))
    .order_by(Incident.id.desc()).limit(1).scalar_subquery()))


def _language_of(sender: str) -> str:
    """Someone who has been asked is answered in the language they were asked in; anyone else
    in the language they last chose on the line, or English."""
    return db.session.scalar(_LANGUAGE_OF, {"sender": sender}) or "en"


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
        # An incident opened for the plan snapshots all of it: one query for the plan and its
        # people, not four (cared-for people times contacts is a few rows).
        plans = db.session.scalars(
            select(ContingencyPlan).where(ContingencyPlan.card_number.in_(valid))
            .options(joinedload(ContingencyPlan.cared_for), joinedload(ContingencyPlan.contacts),
                     joinedload(ContingencyPlan.key_safe))
        ).unique().all()
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
        return answered(handed.incident, now, messages.card_not_usable(handed.told, language))
    incident, joined = opening.open_incident(plan, caller_number=sender, channel=Origin.SMS, now=now,
                                             caller_language=language)
    timeline.note(incident, now, EventKind.CALLERS_TEXT, _kept(body))
    if joined:
        return answered(incident, now, _where_things_stand(incident))
    return answered(incident, now, messages.caller_opened(incident.plan_snapshot, incident.caller_language))


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
