"""Cover's clock, run by the one job runner: asks that were not answered in time, and the
reminders 12 hours and 2 hours before cover ends. Each is claimed by a conditional update,
so two processes never send the same reminder or move on from the same ask twice."""
from datetime import timedelta

from sqlalchemy import select, update

from emergency.clock import local_zone
from emergency.cover import tell, texts
from emergency.cover.models import Cover, CoverAsk
from emergency.cover.service import no_answer
from emergency.cover.vocabulary import AskStatus, CoverStatus
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind

# (the column that says it was sent, how long before the planned end)
REMINDERS = (("reminded_12h_at", timedelta(hours=12)), ("reminded_2h_at", timedelta(hours=2)))


def tick(now) -> str:
    timed_out = _time_out_asks(now)
    reminded = _send_reminders(now)
    return f"{timed_out} cover ask(s) timed out, {reminded} cover reminder(s)"


def _time_out_asks(now) -> int:
    due = db.session.scalars(select(CoverAsk.id).where(CoverAsk.status == AskStatus.OPEN, CoverAsk.answer_by <= now)
                             .order_by(CoverAsk.answer_by)).all()
    db.session.commit()
    handled = 0
    for ask_id in due:
        claimed = db.session.execute(
            update(CoverAsk).where(CoverAsk.id == ask_id, CoverAsk.status == AskStatus.OPEN)
            .values(status=AskStatus.TIMED_OUT).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        ask = db.session.get(CoverAsk, ask_id, populate_existing=True)
        no_answer(ask, now, status=AskStatus.TIMED_OUT)
        db.session.commit()
        handled += 1
    return handled


def _send_reminders(now) -> int:
    live = db.session.scalars(select(Cover).where(Cover.status == CoverStatus.LIVE)).all()
    due = []
    for cover in live:
        # Booked with less than 12 hours left, or the tick was away: only the latest reminder goes.
        owed = [(column, before) for column, before in REMINDERS
                if getattr(cover, column) is None and cover.planned_end_at - before <= now]
        if owed and cover.planned_end_at > now:
            due.append((cover.id, [column for column, _ in owed]))
    db.session.commit()
    sent = 0
    for cover_id, columns in due:
        claimed = db.session.execute(
            update(Cover).where(Cover.id == cover_id, Cover.status == CoverStatus.LIVE,
                                *(getattr(Cover, column).is_(None) for column in columns))
            .values({column: now for column in columns}).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        cover = db.session.get(Cover, cover_id, populate_existing=True)
        incident = db.session.get(Incident, cover.incident_id)
        which = columns[-1].removeprefix("reminded_").removesuffix("_at")
        tell.officers_of(incident, tell.arranger_id(cover), key=f"cover:{cover.id}:reminder-{which}",
                         now=now, on_duty=True, body=texts.reminder(cover, incident, local_zone(), now))
        note(incident, now, EventKind.NOTE, f"cover reminder ({which} before the end) sent")
        db.session.commit()
        sent += 1
    return sent
