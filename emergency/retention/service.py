"""Applying the retention schedule in SQL: purge webhook replay records, redact old outbox
bodies, anonymise incidents long closed, remove ended links and feeds.

Each rule takes only what is due, in its own transaction, so running it twice changes
nothing the second time. Two workers may start it at the same moment: on PostgreSQL each
transaction first takes an advisory lock, and a run that finds it taken stands aside for the
other (SQLite serves one instance and serialises writers anyway).
"""
from dataclasses import dataclass, fields

from sqlalchemy import String, and_, case, cast, delete, func, literal, null, or_, select, text, update

from emergency.applications import retention as front_door
from emergency.cover.models import Cover, CoverLink, SocialCareReferral
from emergency.extensions import db
from emergency.incidents.models import DetailsLink, HandOver, Incident, IncidentEvent, Page
from emergency.incidents.vocabulary import CLOSED_STATUSES, PageStatus
from emergency.outbox.models import OutboxLetter, OutboxMessage, OutboxStatus
from emergency.retention.schedule import ERASED_TEXT, REDACTED_BODY, RetentionSchedule, due_before
from emergency.rota.models import CalendarFeed
from emergency.telephony.models import InboundRequest

BATCH = 500
# pg_try_advisory_xact_lock's key for retention work: any fixed 64-bit number of our own.
ADVISORY_LOCK_KEY = 0x43454C5245544E  # "CELRETN"


@dataclass
class RetentionReport:
    replay_records_purged: int = 0
    outbox_bodies_redacted: int = 0
    incidents_anonymised: int = 0
    details_links_removed: int = 0
    calendar_feeds_removed: int = 0
    applications_deleted: int = 0
    unsent_applications_deleted: int = 0
    mobile_codes_deleted: int = 0
    # Another worker was applying the schedule at the same moment and did the work.
    stood_aside: bool = False

    def lines(self) -> list[str]:
        return [f"{field.name.replace('_', ' ')}: {getattr(self, field.name)}"
                for field in fields(self) if field.name != "stood_aside"]


def run(now, schedule: RetentionSchedule) -> RetentionReport:
    """Apply every rule of the schedule as of `now`; commits as it goes."""
    due = due_before(schedule, now)
    report = RetentionReport()
    steps = (
        lambda: _count(report, "replay_records_purged", _purge_replay_records(due.replay_received)),
        lambda: _count(report, "outbox_bodies_redacted", _redact_outbox_bodies(due.outbox_created)),
        lambda: _count(report, "details_links_removed", _remove_ended_details_links(due.token_ended)),
        lambda: _count(report, "calendar_feeds_removed", _remove_revoked_feeds(due.token_ended)),
        lambda: _count(report, "applications_deleted", front_door.delete_closed_applications(due.application_closed)),
        lambda: _count(report, "unsent_applications_deleted", front_door.delete_unsent_drafts(due.draft_started)),
        lambda: _count(report, "mobile_codes_deleted", front_door.delete_old_codes(due.code_sent)),
    )
    for step in steps:
        if not _took_lock():
            report.stood_aside = True
            return report
        step()
        db.session.commit()
    while True:
        if not _took_lock():
            report.stood_aside = True
            return report
        ids = _incidents_due_for_anonymising(due.incident_closed)
        report.incidents_anonymised += anonymise_incidents(ids, now, keep_plan_link=False)
        db.session.commit()
        if len(ids) < BATCH:
            return report


def _count(report, name, how_many):
    setattr(report, name, getattr(report, name) + how_many)


def _took_lock() -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}))


def _purge_replay_records(before) -> int:
    return db.session.execute(delete(InboundRequest).where(InboundRequest.received_at < before)).rowcount


def _redact_outbox_bodies(before) -> int:
    # A message still waiting to go, or in the provider's hands, keeps its words. A letter's PDF
    # (a copy of the plan, kept only until the letter leaves) goes with its message's words.
    settled = select(OutboxMessage.id).where(OutboxMessage.created_at < before,
                                             OutboxMessage.status.not_in((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    db.session.execute(update(OutboxLetter).where(OutboxLetter.message_id.in_(settled), OutboxLetter.pdf.is_not(None))
                       .values(pdf=None).execution_options(synchronize_session=False))
    return db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.created_at < before, OutboxMessage.status.not_in((OutboxStatus.PENDING, OutboxStatus.SENDING)),
               OutboxMessage.body.not_in((REDACTED_BODY, ERASED_TEXT)))
        .values(body=REDACTED_BODY)
        .execution_options(synchronize_session=False)
    ).rowcount


def _remove_ended_details_links(before) -> int:
    return db.session.execute(delete(DetailsLink).where(DetailsLink.expires_at < before)).rowcount


def _remove_revoked_feeds(before) -> int:
    return db.session.execute(delete(CalendarFeed).where(CalendarFeed.revoked_at < before)).rowcount


def _incidents_due_for_anonymising(closed_before) -> list[int]:
    return list(db.session.scalars(
        select(Incident.id)
        .where(Incident.status.in_(CLOSED_STATUSES), Incident.closed_at < closed_before,
               Incident.anonymised_at.is_(None))
        .order_by(Incident.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ))


def _anonymise_cover(ids: list[int], quietly: dict) -> None:
    """Cover's free text goes; its provider, times, outcome and extension stay for the reports."""
    covers = select(Cover.id).where(Cover.incident_id.in_(ids))
    db.session.execute(delete(CoverLink).where(CoverLink.cover_id.in_(covers)))
    db.session.execute(update(Cover).where(Cover.incident_id.in_(ids))
                       .values(note="", outcome_note=None, ended_by_name=None,
                               extension_reason=case((Cover.extension_reason.is_(None), None), else_=literal("")))
                       .execution_options(**quietly))
    db.session.execute(update(SocialCareReferral).where(SocialCareReferral.incident_id.in_(ids)).values(note="")
                       .execution_options(**quietly))


def _incident_in_key(key):
    """The incident number in a key "incident:<number>:<what>"."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.split_part(key, ":", 2)
    after = func.substr(key, len("incident:") + 1)
    return func.substr(after, 1, func.instr(after, ":") - 1)


def anonymise_incidents(ids: list[int], now, *, keep_plan_link: bool) -> int:
    """Remove names, numbers, free text and the plan snapshot from these incidents, their asks,
    timelines and messages; keep what reports count (status, channel, times, who kind and tier
    of each ask and of the accepter, the survey rating). Pending messages are never sent."""
    if not ids:
        return 0
    db.session.flush()
    page_ids = select(Page.id).where(Page.incident_id.in_(ids))
    # Messages about an incident but to no ask (caller confirmation, hand-over, survey,
    # coordinators' alerts) carry the incident in their idempotency key.
    # Only messages from the batch's first opening on need their keys read, which the index
    # on created_at finds quickly however long the outbox has grown.
    earliest = db.session.scalar(select(func.min(Incident.opened_at)).where(Incident.id.in_(ids)))
    # The incident's number is read out of each key once and looked up among the batch's, rather
    # than every key matched against a pattern per incident: that was the whole run's time (10 s
    # for a day's 457 incidents against 420,000 messages).
    by_key = and_(OutboxMessage.idempotency_key.like("incident:%:%"),
                  _incident_in_key(OutboxMessage.idempotency_key).in_([str(incident_id) for incident_id in ids]))
    # Cover's messages (asks to providers, reminders) name the incident by its column.
    tied = or_(OutboxMessage.page_id.in_(page_ids), and_(OutboxMessage.created_at >= earliest, by_key),
               and_(OutboxMessage.created_at >= earliest, OutboxMessage.incident_id.in_(ids)))
    quietly = {"synchronize_session": False}
    db.session.execute(
        update(OutboxMessage).where(tied, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, last_error="erased before it was sent", next_attempt_at=None)
        .execution_options(**quietly)
    )
    # The key can hold a number (hand-over:+44...): it becomes one that says only what it was.
    db.session.execute(
        update(OutboxMessage).where(tied)
        .values(body=ERASED_TEXT, to_number="", idempotency_key=literal("anonymised:") + cast(OutboxMessage.id, String))
        .execution_options(**quietly)
    )
    db.session.execute(delete(DetailsLink).where(DetailsLink.incident_id.in_(ids)))
    db.session.execute(delete(HandOver).where(HandOver.incident_id.in_(ids)))  # which officers were told, as pages'
    _anonymise_cover(ids, quietly)
    db.session.execute(
        update(IncidentEvent).where(IncidentEvent.incident_id.in_(ids)).values(detail="")
        .execution_options(**quietly)
    )
    db.session.execute(
        update(Page).where(Page.incident_id.in_(ids), Page.status == PageStatus.OPEN).values(status=PageStatus.CLOSED)
        .execution_options(**quietly)
    )
    db.session.execute(
        update(Page).where(Page.incident_id.in_(ids)).values(name="", phone="", officer_id=None)
        .execution_options(**quietly)
    )
    changes = dict(plan_snapshot=null(), caller_number=None, cancel_reason=None, closed_by=None,
                   next_action_at=None, claimed_until=None, anonymised_at=now, version=Incident.version + 1)
    if not keep_plan_link:
        changes["plan_id"] = None
    done = db.session.execute(
        update(Incident).where(Incident.id.in_(ids)).values(**changes).execution_options(**quietly)
    ).rowcount
    db.session.expire_all()
    return done
