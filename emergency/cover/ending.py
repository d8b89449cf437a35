"""How cover ends (with an outcome, from the console, the provider's DONE or the carer's
HOME), is extended past the limit, and is handed to adult social care. The caller commits."""
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from emergency.audit import service as audit
from emergency.clock import local_zone
from emergency.cover import tell, texts
from emergency.cover.limit import over_limit
from emergency.cover.models import Cover, SocialCareReferral
from emergency.cover.service import live_cover, settings
from emergency.cover.vocabulary import CHOSEN_OUTCOMES, OUTCOME_WORDS, CoverStatus, EndedBy, Outcome
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.rota.settings import bank_holidays
from emergency.users.roles import may_edit


def end_cover(cover: Cover, *, outcome: str, note_text: str = "", ended_by: EndedBy, name: str, now) -> Cover:
    """End live cover; its details link dies. The provider (unless it ended it) and the
    officers are told."""
    if cover.status != CoverStatus.LIVE:
        raise Conflict("the cover has already ended", field="cover_id")
    if outcome == Outcome.OTHER and not (note_text or "").strip():
        raise RuleBroken("say what happened when the outcome is other", field="note")
    cover.status, cover.ended_at, cover.ended_by, cover.ended_by_name = CoverStatus.ENDED, now, ended_by, name
    cover.outcome, cover.outcome_note = outcome, (note_text or "").strip() or None
    incident = db.session.get(Incident, cover.incident_id)
    note(incident, now, EventKind.NOTE, f"cover by {cover.provider.name} ended by {name}: "
         f"{OUTCOME_WORDS[Outcome(outcome)].lower()}")
    if ended_by != EndedBy.PROVIDER:
        queue_message(key=f"cover:{cover.id}:ended", channel=Channel.SMS, to_number=cover.provider.mobile,
                      purpose=Purpose.COVER_UPDATE, now=now, incident_id=incident.id,
                      body=texts.ended_to_provider(incident.plan_snapshot, cover.code))
    tell.officers_of(incident, tell.arranger_id(cover), key=f"cover:{cover.id}:ended", now=now, on_duty=True,
                     body=texts.ended_to_officer(cover, incident))
    db.session.flush()
    return cover


def record_outcome(cover: Cover, *, outcome: str, note_text: str = "", user, now) -> Cover:
    """How ended cover ended, when the provider's DONE did not say: asked for on the incident's page."""
    if cover.status != CoverStatus.ENDED or cover.outcome != Outcome.TO_BE_RECORDED:
        raise Conflict("this cover's outcome is already recorded", field="cover_id")
    if outcome not in CHOSEN_OUTCOMES:
        raise RuleBroken("choose how the cover ended", field="outcome")
    if outcome == Outcome.OTHER and not (note_text or "").strip():
        raise RuleBroken("say what happened when the outcome is other", field="note")
    cover.outcome, cover.outcome_note = outcome, (note_text or "").strip() or None
    incident = db.session.get(Incident, cover.incident_id)
    note(incident, now, EventKind.NOTE, f"how cover by {cover.provider.name} ended, recorded by {user.username}: "
         f"{OUTCOME_WORDS[Outcome(outcome)].lower()}")
    db.session.flush()
    return cover


def extend(cover: Cover, new_end: datetime, reason: str, *, user, now) -> Cover:
    """A new planned end; past the cover limit only by a coordinator, with a reason (audited)."""
    if cover.status != CoverStatus.LIVE:
        raise Conflict("the cover has already ended", field="cover_id")
    if new_end <= cover.starts_at or new_end <= now:
        raise RuleBroken("the new end must be after the start and in the future", field="ends_at")
    config = settings()
    limit = over_limit(cover.starts_at, new_end, config.limit, bank_holidays(config.bank_holiday_region), local_zone())
    reason = (reason or "").strip()
    if limit is not None:
        if not may_edit(user):
            raise RuleBroken(f"only a coordinator may extend cover past {limit} hours", field="reason")
        if not reason:
            raise RuleBroken(f"give a reason to extend cover past the limit of {limit} hours", field="reason")
        cover.extension_reason, cover.extended_by, cover.extended_at = reason, user.username, now
    incident = db.session.get(Incident, cover.incident_id)
    if new_end > cover.planned_end_at:  # the reminders come again before the new end
        cover.reminded_12h_at = cover.reminded_2h_at = None
    cover.planned_end_at = new_end
    audit.record("cover.extended", user=user, now=now, plan_id=incident.plan_id,
                 detail=f"incident {incident.id}, cover {cover.id}: new end"
                        + (" past the cover limit" if limit is not None else ""))
    note(incident, now, EventKind.NOTE, f"cover extended by {user.username} to "
         f"{new_end.astimezone(local_zone()):%a %d %b %H:%M}" + (f": {reason}" if reason else ""))
    db.session.flush()
    return cover


def refer(incident: Incident, note_text: str, *, user, now) -> SocialCareReferral:
    """Record a referral and email the adult social care front door: the card number, the
    incident and a console link; no health details."""
    to = settings().social_care_email
    if not to:
        raise RuleBroken("no adult social care email address is set up (SOCIAL_CARE_EMAIL)", field="incident_id")
    cover = live_cover(incident.id)
    referral = SocialCareReferral(incident_id=incident.id, cover_id=cover.id if cover else None, referred_at=now,
                                  referred_by=user.username, note=(note_text or "").strip(), sent_to=to)
    db.session.add(referral)
    db.session.flush()
    card = (incident.plan_snapshot or {}).get("card_number", "")
    link = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/console/incidents/{incident.id}"
    queue_message(key=f"referral:{referral.id}", channel=Channel.EMAIL, to_email=to, purpose=Purpose.SOCIAL_CARE_REFERRAL,
                  subject=texts.referral_subject(incident), now=now, incident_id=incident.id,
                  body=texts.referral_body(card, incident, link, user.full_name,
                                           now.astimezone(local_zone()).strftime("%d %B %Y %H:%M")))
    audit.record("incident.referred_to_social_care", user=user, now=now, plan_id=incident.plan_id,
                 detail=f"incident {incident.id}, referral {referral.id}")
    note(incident, now, EventKind.NOTE, f"referred to adult social care by {user.username}")
    return referral


def refuse_closing_while_live(incident: Incident) -> None:
    """The incident is not resolved or cancelled while cover is live (incidents.closing calls this)."""
    cover = live_cover(incident.id)
    if cover is not None:
        raise Conflict(f"cover by {cover.provider.name} is still live: end the cover first", field="status")


def referrals_for(incident_id: int) -> list[SocialCareReferral]:
    return list(db.session.scalars(select(SocialCareReferral).where(SocialCareReferral.incident_id == incident_id)
                                   .order_by(SocialCareReferral.id)))
