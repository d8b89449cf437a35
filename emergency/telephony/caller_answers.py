"""What the line says to a caller in answer to their text or call, kept on the incident's timeline."""
from emergency.incidents import timeline
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import EventKind


def answered(incident: Incident, now, words: str) -> str:
    """What the caller is told in answer to their text or call is on the timeline too."""
    timeline.note(incident, now, EventKind.CALLER_TOLD, words)
    return words
