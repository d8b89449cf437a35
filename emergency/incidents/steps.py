"""Stepping through the escalation: decide the next step (the pure policy), then apply it:
pages with unused reply codes, their texts and calls, coordinators' alerts. The caller commits."""
import secrets

from flask import current_app
from sqlalchemy import bindparam, select, text

from emergency import wakeup
from emergency.alerts import service as alerts
from emergency.clock import local_zone
from emergency.database import insert_of
from emergency.extensions import db
from emergency.incidents import messages
from emergency.incidents.caller_updates import tell_caller
from emergency.incidents.models import Incident, Page
from emergency.incidents.page_messages import queue_all_for_page, queue_for_page
from emergency.incidents.policy import NewPage, OfficerOnDuty, Position, Settings, decide
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import AskChannels, Asked, EventKind, IncidentStatus, PageStatus
from emergency.outbox import failover, opt_outs
from emergency.outbox.models import Channel, Purpose
from emergency.rota import service as rota
from emergency.wording.languages import spoken

CODE_ATTEMPTS = 5


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


def _opted_out_among_contacts(incident: Incident) -> opt_outs.OptedOutAmong:
    # An opening's first step asks the plan's contacts; anyone else is looked up if reached.
    return opt_outs.OptedOutAmong(contact.get("mobile") for contact in incident.plan_snapshot["contacts"])


def take_next_step(incident: Incident, now, on_duty=None, sms_blocked=None, calls_down=None) -> None:
    """Decide and apply the incident's next step. `on_duty`, `sms_blocked` and `calls_down`
    may be shared by a tick handling many incidents at the same `now`."""
    position = Position(incident.stage, incident.next_contact, incident.rota_round, incident.next_tier)
    # The rota and opt-outs it reads do not depend on this incident's unsaved changes.
    with db.session.no_autoflush:
        decision = decide(
            position, incident.plan_snapshot["contacts"], OnDutyWhenAsked(now) if on_duty is None else on_duty, now,
            local_zone(), Settings(incident.wait_seconds, incident.rounds, incident.channels),
            _opted_out_among_contacts(incident) if sms_blocked is None else sms_blocked,
            current_app.config["FALLBACK_PHONE_NUMBER"],
            failover.calls_cannot_be_made() if calls_down is None else calls_down,
        )
    if decision.next_action_at is not None and decision.next_action_at <= now:
        wakeup.after_commit(wakeup.ENGINE)  # nobody to wait for: the next step is due at once
    for words in decision.notes:
        note(incident, now, EventKind.NOTE, words)
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
        queue_for_page(page, Channel.CALL, messages.fallback_call(incident.id, snapshot, incident.caller_number),
                       Purpose.FALLBACK, now)
    else:
        asks = []
        if new_page.channels in (AskChannels.SMS, AskChannels.BOTH):
            asks.append((Channel.SMS, messages.ask_text(snapshot, page.code, new_page.who, page.language)))
        if new_page.channels in (AskChannels.CALL, AskChannels.BOTH):
            asks.append((Channel.CALL, messages.ask_call(snapshot, page.code, new_page.who, spoken(page.language))))
        queue_all_for_page(page, asks, Purpose.ASK, now)
    tier = f", tier {new_page.tier} round {new_page.rota_round}" if new_page.tier else ""
    note(incident, now, EventKind.ASKED, f"{new_page.name} ({new_page.who}{tier}) by {new_page.channels}, code {page.code}")
    return page


_PAGE_COLUMNS = ("incident_id", "code", "who", "contact_index", "officer_id", "name", "phone", "channels", "language",
                 "step", "tier", "rota_round", "status", "sent_at")
_PAGE_INSERTS = {}


def _page_insert():
    """A page's INSERT, refused (not raised) on a code already open to the number, built once
    per database: building it cost more than running it."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in _PAGE_INSERTS:
        _PAGE_INSERTS[dialect] = (
            insert_of(db.session)(Page).values({column: bindparam(f"new_{column}") for column in _PAGE_COLUMNS})
            .on_conflict_do_nothing(index_elements=["phone", "code"], index_where=text("status = 'open'"))
            .returning(Page))
    return _PAGE_INSERTS[dialect]


def _add_page_with_unused_code(incident: Incident, new_page: NewPage, now) -> Page:
    """The new page, saved with a code no other open page to this number has. The unique index
    decides, even when another process picks the same code at the same moment: a taken code is
    refused (ON CONFLICT DO NOTHING, so the transaction goes on without a savepoint) and
    another is picked from the codes then in use."""
    # Not looked up before a first refusal: most people asked have no other open ask, so the
    # look would cost a round trip on nearly every page to spare a rare second insert.
    in_use: set[str] = set()
    if incident.id is None:
        db.session.flush()  # the page names its incident by id: a new incident is inserted now
    row = {"incident_id": incident.id, "who": new_page.who, "contact_index": new_page.contact_index,
           "officer_id": new_page.officer_id, "name": new_page.name, "phone": new_page.phone,
           "channels": new_page.channels, "language": new_page.language, "step": incident.step,
           "tier": new_page.tier, "rota_round": new_page.rota_round, "status": PageStatus.OPEN, "sent_at": now}
    for _ in range(CODE_ATTEMPTS):
        row["code"] = _code_not_in(in_use, new_page.phone)
        page = db.session.scalar(_page_insert(), {f"new_{column}": value for column, value in row.items()})
        if page is not None:
            incident.pages.append(page)
            return page
        in_use = set(db.session.scalars(select(Page.code).where(Page.phone == new_page.phone,
                                                                Page.status == PageStatus.OPEN)))
    raise RuntimeError(f"could not save an ask to {new_page.phone} with an unused code")


def _code_not_in(in_use: set[str], phone: str) -> str:
    """A code not in `in_use`: three digits while they are easy to find, then longer, so a
    busy officer with hundreds of open asks never exhausts them."""
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
