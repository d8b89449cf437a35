"""The incident's timeline: what happened and who did it, for people to read (state lives in
columns, never read back from here). The caller commits."""
from emergency.extensions import db
from emergency.incidents.models import Incident, IncidentEvent
from emergency.incidents.vocabulary import EventKind


def note(incident: Incident, now, kind: EventKind, detail: str = "") -> None:
    db.session.add(IncidentEvent(incident=incident, at=now, kind=kind, detail=detail))
