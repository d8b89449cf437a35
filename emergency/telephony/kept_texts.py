"""Replaying the texts kept on disk while the database could not be reached (telephony.spool):
each is handled as if it had just arrived, and the texter is texted the reply they should have
had. A text is handled once, however often it is replayed (its MessageSid's replay record).

One text that cannot be handled never holds up the others: it is tried again on later runs,
and after KEPT_TEXT_ATTEMPTS tries it moves to the dead-letter folder, the coordinators are
alerted by every way they can be reached (the fallback number when none can), and the console
board shows it until a coordinator marks it dealt with. A database that goes away during a
replay stops it, and the texts wait, their tries uncounted."""
from datetime import datetime

from flask import current_app

from emergency.alerts import service as alerts
from emergency.alerts.reach import Addresses
from emergency.audit import service as audit
from emergency.clock import local_zone
from emergency.extensions import db
from emergency.incidents import hand_over
from emergency.incidents.messages import LINE, readable_phone
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.telephony import incoming_texts, spool
from emergency.telephony.models import InboundRequest, sms_request_key


def replay_kept_texts(now) -> int:
    """Handle what the spool holds; returns how many texts were handled now."""
    handled = 0
    for path in spool.claim():
        with spool.held(path) as ours:
            if not ours:
                continue  # another worker is replaying it
            texts, left = spool.texts_in(path), []
            for index, kept in enumerate(texts):
                try:
                    handled += _replay(kept, now)
                except Exception as error:
                    db.session.rollback()
                    if spool.keeps(error):
                        current_app.logger.warning("kept texts: the database cannot be reached yet; %d text(s) wait",
                                                   len(left) + len(texts) - index)
                        spool.put_back(path, left + texts[index:])
                        return handled
                    if not _handled_already(kept):
                        left += _tried_once_more(kept, error, now)
            spool.put_back(path, left)
    return handled


def _handled_already(kept: dict) -> bool:
    """Its replay record exists: Twilio delivered it again once the database was back."""
    return db.session.get(InboundRequest, sms_request_key(kept["sid"])) is not None


def _replay(kept: dict, now) -> int:
    """1 when handled now, 0 when it had been handled before. Commits."""
    if _handled_already(kept):
        return 0
    try:
        reply = incoming_texts.handle_text(kept["sender"], kept["body"], now)
    except Exception as error:
        db.session.rollback()
        if spool.keeps(error):
            raise
        current_app.logger.exception("a kept text from %s could not be handled; handing it to a person", kept["sender"])
        reply = incoming_texts.text_after_error(kept["sender"], now)
    if reply:
        queue_message(key=f"kept-text:{kept['sid']}:reply", channel=Channel.SMS, to_number=kept["sender"],
                      body=reply, purpose=Purpose.KEPT_TEXT_REPLY, now=now)
    db.session.add(InboundRequest(key=sms_request_key(kept["sid"]), received_at=now, answer="<Response/>"))
    db.session.commit()
    return 1


def _tried_once_more(kept: dict, error: Exception, now) -> list[dict]:
    """A text that failed to replay: [the text, to try again], or [] once it is a dead letter."""
    tries = int(kept.get("attempts", 0)) + 1
    kept = {**kept, "attempts": tries, "last_error": f"{type(error).__name__}: {error}"[:300]}
    current_app.logger.error("kept text %s from %s failed to replay (try %d): %s", kept.get("sid"), kept.get("sender"),
                             tries, kept["last_error"])
    if tries < current_app.config["KEPT_TEXT_ATTEMPTS"] or not spool.dead_letter(kept):
        return [kept]
    hand_over.nobody_reached(None, now, f"kept text {kept.get('sid')} from {kept.get('sender')} could not be handled "
                                        f"after {tries} tries; it is on the console board", what="kept_text")
    _alert_about_dead_letter(kept, now)
    return []


def _alert_about_dead_letter(kept: dict, now) -> None:
    """The text's words stay on the console: an alert may be read by anyone holding the phone."""
    received = kept.get("received_at", "")
    body = (f"{LINE}: a text from {readable_phone(kept.get('sender'))} kept on {_local(received)} could not be "
            f"handled. Please call them back now and mark it dealt with on the console.")
    try:
        queued = alerts.alert_coordinators(key=f"dead-letter:{kept['sid']}", subject=f"{LINE}: a text nobody has "
                                           f"answered yet", body=body, purpose=Purpose.DEAD_LETTER_ALERT, now=now,
                                           urgent=True)
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        if not queued and fallback:
            alerts.alert_person(key=f"dead-letter:{kept['sid']}:fallback", person=Addresses(mobile=fallback),
                                wanted=(Channel.CALL,), body=body, purpose=Purpose.DEAD_LETTER_ALERT, now=now)
        audit.record("kept_text.dead_letter", user=None, now=now, detail=f"text {kept['sid']}")
        db.session.commit()
    except Exception:
        db.session.rollback()  # the board and /health still show it
        current_app.logger.exception("coordinators could not be alerted to dead letter %s", kept.get("sid"))


def _local(received_at: str) -> str:
    try:
        return datetime.fromisoformat(received_at).astimezone(local_zone()).strftime("%d %b at %H:%M")
    except (TypeError, ValueError):
        return "an unknown day"
