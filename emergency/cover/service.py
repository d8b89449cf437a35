"""Arranging cover for an accepted incident: ask providers by text (first accept wins, under
the incident's lock) or record a booking made by phone. The caller commits."""
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from emergency.audit import service as audit
from emergency.clock import local_zone
from emergency.cover import links, tell, texts
from emergency.cover.limit import over_limit
from emergency.cover.models import Cover, CoverAsk
from emergency.cover.settings import CoverSettings
from emergency.cover.vocabulary import AskMode, AskStatus, BookedBy, CoverStatus
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind, IncidentStatus
from emergency.outbox import opt_outs
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.providers import service as providers
from emergency.providers.vocabulary import Capability
from emergency.rota.settings import bank_holidays
from emergency.users.roles import may_edit

CODE_ATTEMPTS = 5


def settings() -> CoverSettings:
    return CoverSettings.from_config(current_app.config)


def live_cover(incident_id: int) -> Cover | None:
    return db.session.scalar(select(Cover).where(Cover.incident_id == incident_id, Cover.status == CoverStatus.LIVE))


def covers_for(incident_id: int) -> list[Cover]:
    return list(db.session.scalars(select(Cover).where(Cover.incident_id == incident_id).order_by(Cover.id)))


def asks_for(incident_id: int) -> list[CoverAsk]:
    return list(db.session.scalars(select(CoverAsk).where(CoverAsk.incident_id == incident_id).order_by(CoverAsk.id)))


def may_arrange(incident: Incident) -> bool:
    """Once someone has accepted, and while no cover is live."""
    return incident.status == IncidentStatus.ACCEPTED and live_cover(incident.id) is None


def check_period(starts_at: datetime, ends_at: datetime, now, *, user, extension_reason: str | None,
                 config: CoverSettings) -> None:
    """Refuses a start too far back, an end before the start, and cover longer than the limit
    unless a coordinator gives a reason; each names its field."""
    if starts_at < now - config.start_grace:
        minutes = int(config.start_grace.total_seconds() // 60)
        raise RuleBroken(f"the start is more than {minutes} minutes ago: record when cover starts, not earlier",
                         field="starts_at")
    if ends_at <= starts_at:
        raise RuleBroken("the planned end must be after the start", field="ends_at")
    limit = over_limit(starts_at, ends_at, config.limit, bank_holidays(config.bank_holiday_region), local_zone())
    if limit is None:
        return
    if not extension_reason:
        raise RuleBroken(f"cover may last at most {limit} hours (the cover limit); a coordinator may book longer "
                         f"cover with a reason", field="ends_at")
    if not may_edit(user):
        raise RuleBroken(f"only a coordinator may book cover longer than {limit} hours", field="extension_reason")


def _active_provider(provider_id: int, field: str, now):
    provider = providers.get_provider(provider_id, field=field)
    if not provider.active:
        raise RuleBroken(f"{provider.name} is inactive", field=field)
    if provider.contract_ends_on and provider.contract_ends_on < now.astimezone(local_zone()).date():
        raise RuleBroken(f"{provider.name}'s contract ended on {provider.contract_ends_on:%d %B %Y}", field=field)
    return provider


def _arrangeable(incident: Incident) -> None:
    if incident.status != IncidentStatus.ACCEPTED:
        raise Conflict("cover is arranged once someone has accepted the incident", field="incident_id")
    if live_cover(incident.id) is not None:
        raise Conflict("this incident already has cover", field="incident_id")


def ask_providers(incident: Incident, data: dict, *, user, now) -> list[CoverAsk]:
    """Text the chosen providers, one at a time (in the order given) or all at once."""
    config = settings()
    _arrangeable(incident)
    if not data["provider_ids"]:
        raise RuleBroken("choose at least one provider", field="provider_ids")
    chosen = [_active_provider(pid, f"provider_ids[{i}]", now)
              for i, pid in enumerate(dict.fromkeys(data["provider_ids"]))]
    check_period(data["starts_at"], data["ends_at"], now, user=user, extension_reason=data.get("extension_reason"),
                 config=config)
    capabilities = [c.value for c in Capability if c in set(data.get("capabilities") or ())]
    asks = []
    for position, provider in enumerate(chosen):
        ask = CoverAsk(incident_id=incident.id, provider_id=provider.id, provider=provider, phone=provider.mobile,
                       code="-", mode=data["mode"], position=position, status=AskStatus.WAITING,
                       starts_at=data["starts_at"], ends_at=data["ends_at"], capabilities=capabilities,
                       asked_by=user.username, asked_by_user_id=user.id,
                       extension_reason=data.get("extension_reason") or None)
        db.session.add(ask)
        asks.append(ask)
    db.session.flush()
    unreachable = [ask for ask in (asks if data["mode"] == AskMode.ALL_AT_ONCE else asks[:1])
                   if not send_ask(ask, incident, now, config)]
    for ask in unreachable:  # moved on from at once, once the others are open
        no_answer(ask, now, status=AskStatus.UNDELIVERED)
    return asks


def send_ask(ask: CoverAsk, incident: Incident, now, config: CoverSettings) -> bool:
    """Open the ask with a code no other open ask to this number has, and text it; False (the
    ask left waiting) when the number has texted STOP, so that no text can reach it."""
    if opt_outs.opted_out_at(ask.phone) is not None:
        return False
    for _ in range(CODE_ATTEMPTS):
        in_use = set(db.session.scalars(select(CoverAsk.code).where(CoverAsk.phone == ask.phone,
                                                                     CoverAsk.status == AskStatus.OPEN)))
        code = next(c for c in (str(secrets.randbelow(900) + 100) for _ in range(50)) if c not in in_use)
        try:
            with db.session.begin_nested():
                ask.code, ask.status, ask.sent_at, ask.answer_by = code, AskStatus.OPEN, now, now + config.ask_for
                db.session.flush()
            break
        except IntegrityError:
            continue
    queue_message(key=f"cover-ask:{ask.id}", channel=Channel.SMS, to_number=ask.phone, purpose=Purpose.COVER_ASK,
                  body=texts.ask(incident.plan_snapshot, ask.code, ask.starts_at, ask.ends_at, ask.capabilities,
                                 local_zone(), now), now=now, incident_id=incident.id)
    note(incident, now, EventKind.NOTE, f"cover: asked {ask.provider.name} by text, code {ask.code}")
    return True


def _lock(incident_id: int) -> Incident:
    """The incident's row lock (PostgreSQL), as an accept takes; SQLite writes one at a time."""
    return db.session.scalar(select(Incident).where(Incident.id == incident_id).with_for_update()
                             .execution_options(populate_existing=True))


def _book(incident: Incident, *, provider, ask: CoverAsk | None, booked_by: BookedBy, code: str, starts_at, ends_at,
          by: str, now, note_text: str = "", extension_reason: str | None = None, extended_by: str | None = None):
    """The one live cover of the incident, or None when another was booked first."""
    if live_cover(incident.id) is not None:
        return None
    try:
        with db.session.begin_nested():
            cover = Cover(incident_id=incident.id, provider_id=provider.id, provider=provider,
                          ask_id=ask.id if ask else None, code=code,
                          status=CoverStatus.LIVE, booked_by=booked_by, booked_at=now, booked_by_user=by,
                          starts_at=starts_at, planned_end_at=ends_at, note=note_text,
                          extension_reason=extension_reason, extended_by=extended_by if extension_reason else None,
                          extended_at=now if extension_reason else None)
            db.session.add(cover)
            db.session.flush()
    except IntegrityError:
        return None  # the unique index: another cover went live first
    if extension_reason:
        audit.record("cover.extended", user=None, actor=extended_by, now=now, plan_id=incident.plan_id,
                     detail=f"incident {incident.id}, cover {cover.id}: booked past the cover limit")
    link = links.create_link(cover, now)
    queue_message(key=f"cover:{cover.id}:booked", channel=Channel.SMS, to_number=provider.mobile,
                  purpose=Purpose.COVER_UPDATE, now=now, incident_id=incident.id,
                  body=texts.booked(incident.plan_snapshot, code, starts_at, ends_at, link, local_zone(), now))
    for other in asks_for(incident.id):
        if other.status in (AskStatus.OPEN, AskStatus.WAITING) and (ask is None or other.id != ask.id):
            if other.status == AskStatus.OPEN:
                queue_message(key=f"cover-ask:{other.id}:covered", channel=Channel.SMS, to_number=other.phone,
                              purpose=Purpose.COVER_UPDATE, now=now, incident_id=incident.id,
                              body=texts.covered(incident.plan_snapshot, other.code))
            other.status, other.answered_at = AskStatus.COVERED, now
    note(incident, now, EventKind.NOTE, f"cover booked with {provider.name} ({booked_by}) by {by}, "
         f"{starts_at.astimezone(local_zone()):%a %d %b %H:%M} to {ends_at.astimezone(local_zone()):%a %d %b %H:%M}")
    return cover


def accept_ask(ask: CoverAsk, now) -> bool:
    """First accept wins; a repeat from the winner changes nothing."""
    incident = _lock(ask.incident_id)
    if ask.status == AskStatus.ACCEPTED:
        return True
    if ask.status == AskStatus.WITHDRAWN or not ask.provider.active:
        return _withdrawn(ask, incident, now)
    if ask.status not in (AskStatus.OPEN, AskStatus.TIMED_OUT) or incident.status != IncidentStatus.ACCEPTED:
        return _too_late(ask, incident, now)
    cover = _book(incident, provider=ask.provider, ask=ask, booked_by=BookedBy.TEXT, code=ask.code,
                  starts_at=ask.starts_at, ends_at=ask.ends_at, by=ask.provider.name, now=now,
                  extension_reason=ask.extension_reason, extended_by=ask.asked_by)
    if cover is None:
        return _too_late(ask, incident, now)
    ask.status, ask.answered_at = AskStatus.ACCEPTED, now
    tell.officers_of(incident, ask.asked_by_user_id, key=f"cover:{cover.id}:accepted", now=now,
                     body=texts.officer_accepted(ask.provider, incident, cover.starts_at, cover.planned_end_at,
                                                 local_zone(), now))
    return True


def _too_late(ask: CoverAsk, incident: Incident, now) -> bool:
    if ask.status in (AskStatus.OPEN, AskStatus.TIMED_OUT, AskStatus.COVERED, AskStatus.CLOSED):
        queue_message(key=f"cover-ask:{ask.id}:too-late", channel=Channel.SMS, to_number=ask.phone,
                      purpose=Purpose.COVER_UPDATE, now=now, incident_id=incident.id,
                      body=texts.too_late(incident.plan_snapshot, ask.code))
        if ask.status in (AskStatus.OPEN, AskStatus.TIMED_OUT):
            ask.status, ask.answered_at = AskStatus.TOO_LATE, now
        note(incident, now, EventKind.NOTE, f"cover: {ask.provider.name} accepted after cover was arranged")
    return False


def withdraw_asks(provider, now) -> None:
    """A provider deactivated: its asks still waiting or open are withdrawn, and for those open
    the next provider is asked (one at a time) and the officer told."""
    for ask in db.session.scalars(select(CoverAsk).where(CoverAsk.provider_id == provider.id,
                                                         CoverAsk.status.in_((AskStatus.OPEN, AskStatus.WAITING)))
                                  .order_by(CoverAsk.id)).all():
        if ask.status == AskStatus.WAITING:
            ask.status = AskStatus.WITHDRAWN
        else:
            no_answer(ask, now, status=AskStatus.WITHDRAWN)


def _withdrawn(ask: CoverAsk, incident: Incident, now) -> bool:
    """An accept from a provider deactivated after it was asked: thanked, not booked; the officer told."""
    if ask.status == AskStatus.OPEN:
        no_answer(ask, now, status=AskStatus.WITHDRAWN)
    queue_message(key=f"cover-ask:{ask.id}:withdrawn", channel=Channel.SMS, to_number=ask.phone,
                  purpose=Purpose.COVER_UPDATE, now=now, incident_id=incident.id,
                  body=texts.withdrawn(incident.plan_snapshot, ask.code))
    note(incident, now, EventKind.NOTE, f"cover: {ask.provider.name}, deactivated, accepted a withdrawn ask: "
                                        f"not booked")
    tell.officers_of(incident, ask.asked_by_user_id, key=f"cover-ask:{ask.id}:withdrawn-accept", now=now,
                     body=texts.officer_withdrawn_accept(ask.provider, incident))
    return False


def no_answer(ask: CoverAsk, now, *, status: AskStatus) -> None:
    """A decline, a timeout, a text that could not be delivered or a provider withdrawn: the
    next provider is asked (one at a time), the officer told."""
    incident = db.session.get(Incident, ask.incident_id)
    answered_at = now if status == AskStatus.DECLINED else None
    if incident.status != IncidentStatus.ACCEPTED:  # closed meanwhile: nobody else is asked or told
        ask.status = AskStatus.CLOSED if status == AskStatus.TIMED_OUT else status
        ask.answered_at = answered_at
        return
    ask.status, ask.answered_at = status, answered_at
    note(incident, now, EventKind.NOTE, f"cover: {ask.provider.name} {_WHY[status]}")
    following = None
    if ask.mode == AskMode.ONE_AT_A_TIME and live_cover(incident.id) is None:
        following = _ask_next(incident, now)
    others = db.session.scalar(select(CoverAsk.id).where(CoverAsk.incident_id == ask.incident_id,
                                                         CoverAsk.status == AskStatus.OPEN).limit(1)) is not None
    tell.officers_of(incident, ask.asked_by_user_id, key=f"cover-ask:{ask.id}:{ask.status}", now=now,
                     body=texts.officer_no_answer(ask.provider, incident, following.provider if following else None,
                                                  others, status))


_WHY = {AskStatus.DECLINED: "declined", AskStatus.TIMED_OUT: "did not answer in time",
        AskStatus.UNDELIVERED: "could not be reached by text", AskStatus.WITHDRAWN: "was deactivated: ask withdrawn"}


def _ask_next(incident: Incident, now) -> CoverAsk | None:
    """One at a time: the next waiting provider a text can reach is asked; those it cannot are
    passed over."""
    config = settings()
    while (following := db.session.scalar(select(CoverAsk).where(CoverAsk.incident_id == incident.id,
                                                                  CoverAsk.status == AskStatus.WAITING)
                                           .order_by(CoverAsk.position, CoverAsk.id))) is not None:
        if send_ask(following, incident, now, config):
            return following
        following.status = AskStatus.UNDELIVERED
        note(incident, now, EventKind.NOTE, f"cover: {following.provider.name} passed over: its mobile texted STOP")
    return None


def book_by_phone(incident: Incident, data: dict, *, user, now) -> Cover:
    """A booking the officer made by phone: the provider still gets its details link by text."""
    config = settings()
    _arrangeable(incident)
    provider = _active_provider(data["provider_id"], "provider_id", now)
    check_period(data["starts_at"], data["ends_at"], now, user=user, extension_reason=data.get("extension_reason"),
                 config=config)
    _lock(incident.id)
    cover = _book(incident, provider=provider, ask=None, booked_by=BookedBy.PHONE, code=str(secrets.randbelow(900) + 100),
                  starts_at=data["starts_at"], ends_at=data["ends_at"], by=user.username, now=now,
                  note_text=data.get("note") or "", extension_reason=data.get("extension_reason") or None,
                  extended_by=user.username)
    if cover is None:
        raise Conflict("this incident already has cover", field="incident_id")
    return cover
