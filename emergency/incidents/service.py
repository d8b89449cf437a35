"""Incidents: open, step through the escalation, accept (first wins), decline, fail, resolve,
cancel. Each public function changes the database only; the caller commits."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from phonenumbers import NumberParseException
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from emergency import wakeup
from emergency.alerts import service as alerts
from emergency.audit import service as audit
from emergency.clock import local_zone
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.incidents import messages
from emergency.incidents.models import DetailsLink, HandOver, Incident, IncidentEvent, Page
from emergency.incidents.policy import NewPage, OfficerOnDuty, Position, Settings, decide
from emergency.incidents.vocabulary import (
    ESCALATING_STATUSES,
    LIVE_STATUSES,
    AskChannels,
    Asked,
    EventKind,
    IncidentStatus,
    Origin,
    PageStatus,
    Stage,
)
from emergency.outbox import failover, opt_outs
from emergency.outbox.models import Channel, OutboxMessage, OutboxStatus, Purpose
from emergency.outbox.service import queue_message
from emergency.phones import is_mobile
from emergency.plans.snapshot import plan_to_dict
from emergency.plans.vocabulary import PlanStatus
from emergency.records import get_or_not_found
from emergency.rota import service as rota
from emergency.rota.models import DutyOfficer
from emergency.users.roles import sees_only_own_asks
from emergency.wording.languages import is_configured, spoken

DETAILS_LINK_HOURS = 24
CODE_ATTEMPTS = 5
SURVEY_AFTER = timedelta(days=1)
# Texts and calls from one number within this time join its open "needs a person" incident.
SAME_CALLER_WITHIN = timedelta(minutes=30)


def get_incident(incident_id: int) -> Incident:
    return get_or_not_found(Incident, incident_id, "incident", "incident_id")


def live_incident_for(plan_id: int) -> Incident | None:
    """The plan's live escalation, which a new call or text for it joins."""
    return db.session.scalar(
        select(Incident).where(Incident.plan_id == plan_id, Incident.status.in_(ESCALATING_STATUSES))
        .order_by(Incident.id)
    )


def note(incident: Incident, now, kind: EventKind, detail: str = "") -> None:
    db.session.add(IncidentEvent(incident=incident, at=now, kind=kind, detail=detail))


def open_incident(plan, *, caller_number: str | None, channel: str, now, opened_by: str | None = None,
                  caller_language: str = "en"):
    """(incident, joined): a second call or text for a plan with a live incident joins it.
    The first asks are queued at once, in the same transaction."""
    if plan.status != PlanStatus.ACTIVE:
        raise RuleBroken(f"the plan is {plan.status}, not active", field="plan_id")
    existing = live_incident_for(plan.id)
    if existing is not None:
        note(existing, now, EventKind.JOINED, f"another {channel} from {caller_number or opened_by or 'unknown'}")
        return existing, True
    config = current_app.config
    incident = Incident(
        plan_id=plan.id, plan_snapshot=plan_to_dict(plan), caller_number=caller_number, channel=channel,
        caller_language=caller_language,
        status=IncidentStatus.OPEN, opened_at=now, stage=Stage.CONTACTS, next_contact=0, rota_round=1, next_tier=1, step=0,
        wait_seconds=(plan.escalation_wait_minutes * 60 if plan.escalation_wait_minutes else config["ESCALATION_WAIT_SECONDS"]),
        rounds=plan.escalation_rounds or config["ESCALATION_ROUNDS"],
        channels=plan.escalation_channels or AskChannels.BOTH,
        pages=[],  # a new incident has none: saying so spares a query
    )
    db.session.add(incident)
    note(incident, now, EventKind.OPENED, f"by {channel}" + (f" from {caller_number}" if caller_number else "")
         + (f" ({opened_by})" if opened_by else ""))
    minutes = config["CALLER_UPDATE_MINUTES"]
    if minutes and caller_can_be_texted(incident):
        incident.caller_update_at = now + timedelta(minutes=minutes)
    # Not flushed yet: the first step's changes go into the incident's INSERT, not an UPDATE.
    take_next_step(incident, now)
    db.session.flush()
    return incident, False


def caller_can_be_texted(incident: Incident) -> bool:
    """Whoever texted can take a text; a voice caller only on a mobile."""
    number = incident.caller_number
    if not number:
        return False
    if incident.channel == Origin.SMS:
        return True
    try:
        return is_mobile(number)
    except NumberParseException:  # a number phonenumbers cannot parse: kept as sent, but not texted
        return False


def tell_caller(incident: Incident, now, what: str, body: str) -> bool:
    """A text to the person who called or texted, through the outbox and on the timeline,
    once per `what`. False when the caller cannot take texts."""
    if not caller_can_be_texted(incident):
        return False
    queue_message(key=f"incident:{incident.id}:caller:{what}", channel=Channel.SMS, to_number=incident.caller_number,
                  body=body, purpose=Purpose.CALLER_UPDATE, now=now, incident_id=incident.id)
    note(incident, now, EventKind.CALLER_TOLD, body)
    return True


def needs_a_person_from(caller_number: str | None, now) -> Incident | None:
    """The number's "needs a person" incident opened in the last 30 minutes, if still live."""
    if not caller_number:
        return None
    return db.session.scalar(
        select(Incident).where(Incident.caller_number == caller_number, Incident.status == IncidentStatus.NEEDS_PERSON,
                               Incident.opened_at >= now - SAME_CALLER_WITHIN)
        .order_by(Incident.id.desc())
    )


def live_incident_called_by(caller_number: str, now, within=timedelta(days=1)) -> Incident | None:
    """The newest live escalation (not a "needs a person" record) this number opened recently."""
    return db.session.scalar(
        select(Incident).where(Incident.caller_number == caller_number, Incident.status.in_(ESCALATING_STATUSES),
                               Incident.opened_at >= now - within)
        .order_by(Incident.id.desc())
    )


def record_for_a_person(*, caller_number: str | None, channel: Origin, reason, why: str, now, plan=None):
    """(incident, joined). A call or text the line cannot act on by itself (unknown card, no
    card, plan not active, a fault): listed as needing a person, with no escalation, for a
    person to pick up. Repeats from one number within 30 minutes join it."""
    existing = needs_a_person_from(caller_number, now)
    if existing is not None:
        note(existing, now, EventKind.JOINED, f"another {channel} from {caller_number}: {why}")
        return existing, True
    incident = Incident(plan_id=plan.id if plan else None, plan_snapshot=None, caller_number=caller_number,
                        channel=channel, status=IncidentStatus.NEEDS_PERSON, needs_person_reason=reason, opened_at=now,
                        stage=Stage.DONE, wait_seconds=0, rounds=0, channels=AskChannels.BOTH, next_action_at=None)
    db.session.add(incident)
    note(incident, now, EventKind.NEEDS_PERSON, f"{channel} from {caller_number or 'an unknown number'}: {why}")
    db.session.flush()
    return incident, False


class OnDutyWhenAsked:
    """Who is on duty at `now`, read from the rota only if a decision reaches the rota (most
    first steps ask a contact), then kept for every incident handled at the same `now`."""

    def __init__(self, now):
        self.now, self._tiers = now, None

    def get(self, tier, default=None):
        if self._tiers is None:
            self._tiers = officers_on_duty(self.now)
        return self._tiers.get(tier, default)


def officers_on_duty(now) -> dict[int, list[OfficerOnDuty]]:
    return {
        tier: [OfficerOnDuty(o.id, o.name, o.mobile, o.contact_preference, o.language) for o in officers]
        for tier, officers in rota.on_duty(now).items()
    }


def sms_blocked_numbers() -> frozenset[str]:
    return opt_outs.blocked_numbers()


def take_next_step(incident: Incident, now, on_duty=None, sms_blocked=None, calls_down=None) -> None:
    """Decide and apply the incident's next step. `on_duty`, `sms_blocked` and `calls_down`
    may be shared by a tick handling many incidents at the same `now`."""
    position = Position(incident.stage, incident.next_contact, incident.rota_round, incident.next_tier)
    # The rota and opt-outs it reads do not depend on this incident's unsaved changes.
    with db.session.no_autoflush:
        decision = decide(
            position, incident.plan_snapshot["contacts"], OnDutyWhenAsked(now) if on_duty is None else on_duty, now,
            local_zone(), Settings(incident.wait_seconds, incident.rounds, incident.channels),
            sms_blocked_numbers() if sms_blocked is None else sms_blocked, current_app.config["FALLBACK_PHONE_NUMBER"],
            failover.calls_cannot_be_made() if calls_down is None else calls_down,
        )
    if decision.next_action_at is not None and decision.next_action_at <= now:
        wakeup.after_commit(wakeup.ENGINE)  # nobody to wait for: the next step is due at once
    for text in decision.notes:
        note(incident, now, EventKind.NOTE, text)
    incident.stage = decision.position.stage
    incident.next_contact = decision.position.next_contact
    incident.rota_round = decision.position.rota_round
    incident.next_tier = decision.position.next_tier
    incident.next_action_at = decision.next_action_at
    if incident.id is None and (decision.rounds_completed or decision.exhausted):
        db.session.flush()  # coordinators' alerts name the incident by its id
    for rota_round in decision.rounds_completed:
        _alert_coordinators(incident, now, f"round-{rota_round}",
                            messages.round_alert(incident.id, incident.plan_snapshot, rota_round, incident.rounds))
    if decision.exhausted:
        incident.status, incident.caller_update_at = IncidentStatus.EXHAUSTED, None
        note(incident, now, EventKind.EXHAUSTED, "nobody accepted; it stays on the console until a coordinator closes it")
        fallback_called = any(ask.who == Asked.FALLBACK for ask in decision.pages)
        _alert_coordinators(incident, now, "exhausted", messages.exhausted_alert(
            incident.id, incident.plan_snapshot, fallback_called, incident.caller_number))
        tell_caller(incident, now, "nobody-found",
                    messages.caller_nobody_found(incident.plan_snapshot, current_app.config["FALLBACK_PHONE_NUMBER"],
                                                 incident.caller_language))
    if decision.pages:
        incident.step += 1
        for new_page in decision.pages:
            _send_page(incident, new_page, now)


def _send_page(incident: Incident, new_page: NewPage, now) -> Page:
    # Asked again in a later round: the new page replaces the old, so one open page per person.
    for earlier in incident.pages:
        if earlier.phone == new_page.phone and earlier.status == PageStatus.OPEN:
            earlier.status = PageStatus.CLOSED
    page = _add_page_with_unused_code(incident, new_page, now)
    snapshot = incident.plan_snapshot
    if new_page.who == Asked.FALLBACK:
        _queue(page, Channel.CALL, messages.fallback_call(incident.id, snapshot, incident.caller_number),
               Purpose.FALLBACK, now)
    else:
        if new_page.channels in (AskChannels.SMS, AskChannels.BOTH):
            _queue(page, Channel.SMS, messages.ask_text(snapshot, page.code, new_page.who, page.language), Purpose.ASK, now)
        if new_page.channels in (AskChannels.CALL, AskChannels.BOTH):
            _queue(page, Channel.CALL, messages.ask_call(snapshot, page.code, new_page.who, spoken(page.language)),
                   Purpose.ASK, now)
    tier = f", tier {new_page.tier} round {new_page.rota_round}" if new_page.tier else ""
    note(incident, now, EventKind.ASKED, f"{new_page.name} ({new_page.who}{tier}) by {new_page.channels}, code {page.code}")
    return page


def _queue(page: Page, channel: Channel, body: str, purpose: Purpose, now, attempt: int = 1):
    return queue_message(key=f"page:{page.id}:{channel}:{purpose}:{attempt}", channel=channel, to_number=page.phone,
                         body=body, purpose=purpose, now=now, page_id=page.id)


def _add_page_with_unused_code(incident: Incident, new_page: NewPage, now) -> Page:
    """The new page, saved with a code no other open page to this number has. Another process
    may take the same code between our look and our insert: the unique index refuses the
    second, and it picks again."""
    for _ in range(CODE_ATTEMPTS):
        code = _unused_code(new_page.phone)  # its query flushes everything pending first
        try:
            with db.session.begin_nested():
                page = Page(
                    incident=incident, code=code, who=new_page.who, contact_index=new_page.contact_index,
                    officer_id=new_page.officer_id, name=new_page.name, phone=new_page.phone, channels=new_page.channels,
                    language=new_page.language,
                    step=incident.step, tier=new_page.tier, rota_round=new_page.rota_round, status=PageStatus.OPEN, sent_at=now,
                )
                db.session.add(page)
                db.session.flush()
            return page
        except IntegrityError:
            continue
    raise RuntimeError(f"could not save an new_page to {new_page.phone} with an unused code")


def _unused_code(phone: str) -> str:
    """A code this number has no open ask with: three digits while they are easy to find, then
    longer, so a busy officer with hundreds of open asks never exhausts them."""
    in_use = set(db.session.scalars(select(Page.code).where(Page.phone == phone, Page.status == PageStatus.OPEN)))
    for digits in (3, 4, 5, 6, 7, 8):
        for _ in range(10):
            code = str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
            if code not in in_use:
                return code
    raise RuntimeError(f"no free reply code for {phone}")  # 8-digit codes: cannot happen in practice


def _alert_coordinators(incident: Incident, now, what: str, body: str) -> None:
    note(incident, now, EventKind.COORDINATORS_ALERTED, body)
    alerts.alert_coordinators(key=f"incident:{incident.id}:{what}", subject=f"Carers Emergency Line: incident "
                              f"{incident.id} {'exhausted' if what == 'exhausted' else 'not yet accepted'}",
                              body=body, purpose=Purpose.COORDINATOR_ALERT, now=now, incident_id=incident.id)


def open_pages_for(phone: str) -> list[Page]:
    return list(db.session.scalars(select(Page).where(Page.phone == phone, Page.status == PageStatus.OPEN).order_by(Page.id)))


def page_for_reply(phone: str, code: str) -> Page | None:
    """The newest page sent to this number with this code."""
    return db.session.scalar(select(Page).where(Page.phone == phone, Page.code == code).order_by(Page.id.desc()))


def accept(page: Page, now) -> tuple[bool, str]:
    """First accept wins: a conditional update of the incident row decides. Returns (won,
    the accepter's name). The winner accepting again changes nothing."""
    if page.incident.accepted_page_id == page.id:
        return True, page.name
    won = db.session.execute(
        update(Incident)
        .where(Incident.id == page.incident_id, Incident.status.in_((IncidentStatus.OPEN, IncidentStatus.EXHAUSTED)))
        .values(status=IncidentStatus.ACCEPTED, accepted_page_id=page.id, accepted_at=now, next_action_at=None,
                caller_update_at=None, version=Incident.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    incident = page.incident
    db.session.refresh(incident)
    if not won:
        accepter = incident.accepted_page
        if page.status == PageStatus.OPEN:
            page.status, page.answered_at = PageStatus.TOO_LATE, now
        note(incident, now, EventKind.LATE_ACCEPT, f"{page.name} accepted after it was covered")
        name = accepter.name if accepter else None
        if page.channels in (AskChannels.SMS, AskChannels.BOTH):
            text = (messages.too_late_text(name, page.language) if name
                    else messages.no_longer_needed_text(page.language))
            _queue(page, Channel.SMS, text, Purpose.TOO_LATE, now)
        return False, name
    page.status, page.answered_at = PageStatus.ACCEPTED, now
    note(incident, now, EventKind.ACCEPTED, f"{page.name} ({page.who}) accepted, code {page.code}")
    snapshot = incident.plan_snapshot
    for other in incident.pages:
        if other.id != page.id and other.status == PageStatus.OPEN:
            other.status = PageStatus.COVERED
            if other.channels in (AskChannels.SMS, AskChannels.BOTH) and other.who != Asked.FALLBACK:
                _queue(other, Channel.SMS, messages.covered_text(snapshot, other.code, page.name, other.language),
                       Purpose.COVERED, now)
    if caller_can_be_texted(incident):
        body = messages.caller_confirmation(snapshot, page.name, incident.caller_language)
        queue_message(key=f"incident:{incident.id}:caller-confirmation", channel=Channel.SMS,
                      to_number=incident.caller_number, body=body, purpose=Purpose.CALLER_CONFIRMATION, now=now,
                      incident_id=incident.id)
        note(incident, now, EventKind.CALLER_TOLD, body)
    link = _details_link(incident, page, now)
    _queue(page, Channel.SMS, messages.accepter_details(snapshot, page.code, link, DETAILS_LINK_HOURS, page.language),
           Purpose.DETAILS, now)
    return True, page.name


def _details_link(incident: Incident, page: Page, now) -> str:
    token = secrets.token_urlsafe(24)
    db.session.add(DetailsLink(incident_id=incident.id, page_id=page.id, token_hash=_hash(token),
                               expires_at=now + timedelta(hours=DETAILS_LINK_HOURS)))
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/details/{token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def details_for_link(token: str, now, *, viewer=None):
    """(incident, page) for a live details link, or None: a link dies after 24 hours or when
    its incident is resolved or cancelled. Every view is audited, and noted on the incident's
    timeline, with who viewed it: the console user if the browser is logged in to the
    console, else the accepter the link was sent to."""
    link = db.session.scalar(select(DetailsLink).where(DetailsLink.token_hash == _hash(token)))
    if link is None or link.expires_at <= now:
        return None
    incident, page = db.session.get(Incident, link.incident_id), db.session.get(Page, link.page_id)
    if incident.status in (IncidentStatus.RESOLVED, IncidentStatus.CANCELLED):
        return None
    # ids only: no names or numbers in the append-only log.
    audit.record("plan.details_viewed_by_accepter", user=viewer, now=now, plan_id=incident.plan_id,
                 actor=f"accepter of ask {page.id}",
                 detail=f"incident {incident.id}, ask {page.id} ({page.who})"
                        + (f", opened by console user {viewer.id}" if viewer else ""))
    note(incident, now, EventKind.DETAILS_VIEWED, f"{viewer.full_name} ({viewer.role.replace('_', ' ')}, in the console)"
         if viewer else f"{page.name} (the link sent to them)")
    return incident, page


def decline(page: Page, now) -> None:
    _close_page(page, PageStatus.DECLINED, now, f"{page.name} declined")


def page_failed(page: Page, now, why: str, unanswered: bool = False) -> None:
    """A failed delivery or an unanswered call: as good as a decline for moving on."""
    _close_page(page, PageStatus.NO_ANSWER if unanswered else PageStatus.FAILED, now, f"{page.name}: {why}")


def channel_failed(message: OutboxMessage, now, why: str) -> None:
    """One channel of a page failed (a text undelivered, a call not taken). The page has failed
    once none of its channels can still reach the person; then the escalation moves on at once."""
    if message.page_id is None or message.purpose != Purpose.ASK:
        return
    page = db.session.get(Page, message.page_id)
    note(page.incident, now, EventKind.DELIVERY_FAILED, f"{message.channel} to {page.name}: {why}")
    others = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.page_id == page.id, OutboxMessage.purpose == Purpose.ASK, OutboxMessage.id != message.id)).all()
    # A call waiting while calls cannot be made will not reach them in time either.
    calls_down = any(other.channel == Channel.CALL for other in others) and failover.calls_cannot_be_made()
    if all(other.status in (OutboxStatus.FAILED, OutboxStatus.UNKNOWN)
           or (calls_down and other.channel == Channel.CALL and other.status in (OutboxStatus.PENDING, OutboxStatus.SENDING))
           for other in others):
        page_failed(page, now, why)


def _close_page(page: Page, status: PageStatus, now, detail: str) -> None:
    if page.status != PageStatus.OPEN:
        return
    page.status, page.answered_at = status, now
    incident = page.incident
    note(incident, now, EventKind(status), detail)
    # Nobody left to answer this step: move on at once rather than wait out the step.
    still_waiting = any(p.status == PageStatus.OPEN and p.step == incident.step for p in incident.pages)
    if incident.status == IncidentStatus.OPEN and page.step == incident.step and not still_waiting:
        incident.next_action_at = now
        wakeup.after_commit(wakeup.ENGINE)


# Checks a concept above incidents adds (cover: not closed while cover is live); each raises
# a DomainError to refuse. Registered at start-up, so incidents imports none of them.
CLOSE_CHECKS: list = []


def resolve(incident: Incident, now, by: str, detail: str = "") -> Incident:
    if incident.status not in LIVE_STATUSES:
        raise Conflict(f"the incident is already {incident.status}", field="status")
    for check in CLOSE_CHECKS:
        check(incident)
    incident.status, incident.closed_at, incident.closed_by = IncidentStatus.RESOLVED, now, by
    incident.caller_update_at = None
    _close_open_pages(incident)
    # The carer of a plan's escalation is asked how it went a day later; the engine sends it
    # when due. A call or text handed to a person had no plan acted on: nobody to ask.
    incident.next_action_at = now + SURVEY_AFTER if incident.plan_snapshot is not None else None
    note(incident, now, EventKind.RESOLVED, f"by {by}" + (f": {detail}" if detail else ""))
    return incident


def cancel(incident: Incident, reason: str, now, by: str) -> Incident:
    if incident.status not in LIVE_STATUSES:
        raise Conflict(f"the incident is already {incident.status}", field="status")
    for check in CLOSE_CHECKS:
        check(incident)
    incident.status, incident.closed_at, incident.closed_by, incident.cancel_reason = IncidentStatus.CANCELLED, now, by, reason
    incident.next_action_at = incident.caller_update_at = None
    _close_open_pages(incident)
    note(incident, now, EventKind.CANCELLED, f"by {by}: {reason}")
    return incident


def _close_open_pages(incident: Incident) -> None:
    for page in incident.pages:
        if page.status == PageStatus.OPEN:
            page.status = PageStatus.CLOSED


def send_caller_update(incident: Incident, now) -> None:
    """The "still looking" text, every CALLER_UPDATE_MINUTES while nobody has accepted."""
    due, minutes = incident.caller_update_at, current_app.config["CALLER_UPDATE_MINUTES"]
    if incident.status != IncidentStatus.OPEN or due is None or due > now:
        return
    incident.caller_update_at = now + timedelta(minutes=minutes) if minutes else None
    people_asked = len({page.phone for page in incident.pages if page.who != Asked.FALLBACK})
    tell_caller(incident, now, f"still-looking:{due:%Y%m%dT%H%M%S}",
                messages.caller_still_looking(incident.plan_snapshot, people_asked, incident.caller_language))


def send_survey(incident: Incident, now) -> None:
    incident.next_action_at = None
    mobile = (incident.plan_snapshot or {}).get("carer", {}).get("mobile")
    if mobile and incident.survey_sent_at is None:
        queue_message(key=f"incident:{incident.id}:survey", channel=Channel.SMS, to_number=mobile,
                      body=messages.survey_text(incident.plan_snapshot, carer_language(incident.plan_snapshot)),
                      purpose=Purpose.SURVEY, now=now,
                      incident_id=incident.id)
        incident.survey_sent_at = now
        note(incident, now, EventKind.SURVEY_SENT, "asked the carer how well the needs were met")


def awaiting_rating_from(phone: str, now) -> Incident | None:
    """The newest incident whose carer, at this number, was sent the survey in the last two
    weeks and has not answered it."""
    return db.session.scalar(
        select(Incident)
        .where(Incident.survey_sent_at >= now - timedelta(days=14), Incident.survey_rating.is_(None),
               Incident.plan_snapshot[("carer", "mobile")].as_string() == phone)
        .order_by(Incident.id.desc())
        .limit(1)
    )


def record_survey(incident: Incident, rating: int, now) -> None:
    if not 1 <= rating <= 5:
        raise RuleBroken("a rating is 1 to 5", field="rating")
    incident.survey_rating = rating
    note(incident, now, EventKind.SURVEY_ANSWERED, f"rated {rating} of 5")


def incidents(*, status=None, opened_from=None, opened_to=None, officer_id=None):
    """A query, newest first. With officer_id, only incidents that officer was asked to help
    with or handed (told to call a caller back)."""
    query = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc())
    if status:
        query = query.where(Incident.status == status)
    if opened_from:
        query = query.where(Incident.opened_at >= opened_from)
    if opened_to:
        query = query.where(Incident.opened_at < opened_to)
    if officer_id is not None:
        query = query.where(Incident.id.in_(select(Page.incident_id).where(Page.officer_id == officer_id)
                                            .union(select(HandOver.incident_id).where(HandOver.officer_id == officer_id))))
    return query


def officer_id_for(user) -> int | None:
    """The rota officer a duty_officer login is tied to (`flask users link-officer`)."""

    return db.session.scalar(select(DutyOfficer.id).where(DutyOfficer.user_id == user.id))


def visible_to(user, incident: Incident) -> bool:
    """Coordinators and admins see every incident; a duty officer those they were asked about
    or handed, and no other."""
    if not sees_only_own_asks(user):
        return True
    officer_id = officer_id_for(user)
    return officer_id is not None and (any(page.officer_id == officer_id for page in incident.pages)
                                       or db.session.get(HandOver, (incident.id, officer_id)) is not None)


def may_read_plan(user, plan_id: int) -> bool:
    """Coordinators and admins read every plan; a duty officer only the plan of a live incident
    they were asked about, and only while it is live (least privilege: the API, like the console)."""
    if not sees_only_own_asks(user):
        return True
    officer_id = officer_id_for(user)
    return officer_id is not None and db.session.scalar(
        select(Page.id).join(Incident, Page.incident_id == Incident.id)
        .where(Incident.plan_id == plan_id, Incident.status.in_(LIVE_STATUSES), Page.officer_id == officer_id)
        .limit(1)) is not None


def incidents_for(user, **filters):
    """incidents(...), narrowed to what this user may see."""
    officer_id = (officer_id_for(user) or -1) if sees_only_own_asks(user) else None
    return incidents(officer_id=officer_id, **filters)


def carer_language(snapshot: dict | None) -> str:
    """The carer's preferred language where the line has its words, else English."""
    chosen = ((snapshot or {}).get("carer") or {}).get("preferred_language")
    return chosen if is_configured(chosen) else "en"
