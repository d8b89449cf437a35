"""Texts about cover: a provider's ACCEPT, DECLINE or DONE with its code, and a carer's HOME
with their card number. Each returns the reply, or NOT_MINE when the text is not about cover."""
from sqlalchemy import select

from emergency.audit import service as audit
from emergency.cover import tell, texts
from emergency.cover.delivery_outcomes import unreachable
from emergency.cover.done_words import outcome_from
from emergency.cover.ending import end_cover
from emergency.cover.models import Cover, CoverAsk
from emergency.cover.service import accept_ask, no_answer
from emergency.cover.vocabulary import AskStatus, CoverStatus, EndedBy, Outcome
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind
from emergency.plans.cards import has_valid_check_digit
from emergency.plans.models import ContingencyPlan
from emergency.providers.models import CareProvider

NOT_MINE = object()


def _ask_for(sender: str, code: str | None) -> CoverAsk | None:
    if code:
        return db.session.scalar(select(CoverAsk).where(CoverAsk.phone == sender, CoverAsk.code == code)
                                 .order_by(CoverAsk.id.desc()))
    open_asks = db.session.scalars(select(CoverAsk).where(CoverAsk.phone == sender, CoverAsk.status == AskStatus.OPEN)
                                   ).all()
    return open_asks[0] if len(open_asks) == 1 else None


def answer(sender: str, verb: str, code: str | None, now, words: str = ""):
    """ACCEPT, DECLINE or DONE from a provider's own mobile; NOT_MINE for anyone else's.
    words: what follows the code, for DONE how the cover ended (see done_words)."""
    if verb == "done":
        return _done(sender, code, words, now)
    ask = _ask_for(sender, code)
    if ask is None:
        return NOT_MINE
    if verb == "accept":
        accept_ask(ask, now)
        return None  # the booking (or "already arranged") text goes out through the outbox
    if ask.status == AskStatus.OPEN:
        no_answer(ask, now, status=AskStatus.DECLINED)
    return texts.declined()


def stopped(sender: str, now) -> None:
    """STOP from a provider's mobile: its open asks cannot be answered by text, so each moves on."""
    for ask_id in db.session.scalars(select(CoverAsk.id).where(CoverAsk.phone == sender,
                                                               CoverAsk.status == AskStatus.OPEN)).all():
        unreachable(ask_id, now)


def _done(sender: str, code: str | None, words: str, now):
    query = (select(Cover).join(CareProvider, Cover.provider_id == CareProvider.id)
             .where(CareProvider.mobile == sender, Cover.status == CoverStatus.LIVE).order_by(Cover.id.desc()))
    if code:
        query = query.where(Cover.code == code)
    covers = db.session.scalars(query).all()
    if len(covers) != 1:
        return NOT_MINE
    cover = covers[0]
    end_cover(cover, outcome=outcome_from(words), ended_by=EndedBy.PROVIDER, name=cover.provider.name, now=now)
    incident = db.session.get(Incident, cover.incident_id)
    return texts.ended_to_provider(incident.plan_snapshot, cover.code)


def home(sender: str, card_candidates, now) -> str | None:
    """HOME with a card number: from the carer's own mobile it ends the plan's live cover;
    from any other number it asks the officers to confirm with the carer. None: no live cover."""
    cards = [digits for digits in card_candidates if has_valid_check_digit(digits)]
    if not cards:
        return None
    cover = db.session.scalar(
        select(Cover).join(Incident, Cover.incident_id == Incident.id)
        .join(ContingencyPlan, Incident.plan_id == ContingencyPlan.id)
        .where(ContingencyPlan.card_number.in_(cards), Cover.status == CoverStatus.LIVE).order_by(Cover.id.desc()))
    if cover is None:
        return None
    incident = db.session.get(Incident, cover.incident_id)
    carer_mobile = (incident.plan_snapshot or {}).get("carer", {}).get("mobile")
    plan = db.session.get(ContingencyPlan, incident.plan_id)
    if sender in {carer_mobile, plan.carer_mobile if plan else None} - {None}:
        end_cover(cover, outcome=Outcome.CARER_BACK, ended_by=EndedBy.CARER, name="the carer (HOME by text)", now=now)
        return texts.home_thanks()
    cover.home_claimed_at = now
    note(incident, now, EventKind.NOTE, f"a HOME text from {sender}, not the carer's mobile: the officer is asked "
                                        f"to confirm with the carer")
    audit.record("cover.home_text_from_another_number", user=None, now=now, plan_id=incident.plan_id,
                 actor="a texter", detail=f"incident {incident.id}, cover {cover.id}")
    tell.officers_of(incident, tell.arranger_id(cover), key=f"cover:{cover.id}:home-claimed:{now:%Y%m%dT%H%M%S}",
                     now=now, on_duty=True, body=texts.home_confirm_with_carer(sender, incident))
    return texts.home_to_confirm()
