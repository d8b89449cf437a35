"""TwiML that puts a caller through to one person, screened, and the addresses Twilio calls back
about that leg; with no database, the fallback number alone."""
from flask import url_for

from emergency.telephony import twiml

NO_RECORDS = 0  # the put-through id used when the database could not be reached


def put_through_urls(put_through_id: int, leg: int) -> tuple[str, str]:
    return (url_for("twilio.put_through_screen", put_through_id=put_through_id, leg=leg),
            url_for("twilio.put_through_next", put_through_id=put_through_id, leg=leg))


def put_through_without_records(words: str, fallback: str | None) -> str:
    """With no database: the fallback number alone, still screened, so a voicemail cannot take it."""
    if not fallback:
        return twiml.nobody_reached()
    return twiml.put_through(words, fallback, *put_through_urls(NO_RECORDS, 0))
