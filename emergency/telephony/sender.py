"""Takes due messages out of the outbox and hands them to the gateway (texts, calls) or the
mailer (emails), several at once through a bounded pool of threads.

A message is claimed (a conditional update to `sending`, committed) before the provider is
called; of several senders, exactly one claims each message. If the process dies before the
answer is recorded, the message stays `sending`; a later run marks it `unknown` and never
sends it again (at most once), and the escalation treats it as failed so that it moves on.
Only the provider calls run in the pool's threads; every database read and write stays in
the caller's thread and session.

A provider that cannot be reached (a timeout, a refused connection, a 5xx or 429) is not a
failed delivery: the message waits and is tried again, backing off to once a minute, for as
long as its incident is live, so an outage delays asks rather than burning the escalation.
Only a permanent answer (an invalid number, an opted-out number) fails an ask at once.
"""
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from emergency.alerts import service as alerts
from emergency.clock import local_zone
from emergency.extensions import db
from emergency.incidents import hand_over
from emergency.incidents import service as incidents
from emergency.incidents.models import Incident, Page
from emergency.incidents.vocabulary import IncidentStatus
from emergency.outbox import opt_outs
from emergency.outbox.models import Channel, OutboxMessage, OutboxStatus, ProviderHealth, Purpose, provider_for
from emergency.outbox.service import describe_outage, provider_outage
from emergency.redaction import redact_secret_links
from emergency.telephony.gateway import OPTED_OUT, SendFailed

STUCK_AFTER = timedelta(minutes=2)
BATCH = 500
LONGEST_WAIT = timedelta(seconds=60)
# Messages that are not asks (alerts, confirmations) are retried this long, then given up.
OTHERS_RETRIED_FOR = timedelta(days=1)
ASKING = (Purpose.ASK, Purpose.FALLBACK)
STILL_ASKING = (IncidentStatus.OPEN, IncidentStatus.EXHAUSTED)
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** min(attempts - 1, 10)), LONGEST_WAIT)


def send_due(now, gateway, mailer=None, pool_size: int | None = None) -> int:
    """Send what is due; returns how many messages were handed over (or tried)."""
    mailer = mailer or current_app.extensions["mailer"]
    pool_size = pool_size or current_app.config["SENDER_POOL_SIZE"]
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    _give_up_on_interrupted_sends(now)
    due = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()
    db.session.commit()
    handed, reached, unreachable = 0, set(), {}
    waiting = iter(due)
    with ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="outbox-send") as pool:
        in_flight = {}
        while True:
            # Claim only as many as the pool can take now, so a claimed message is handed
            # over within seconds and never looks interrupted to another sender.
            while len(in_flight) < pool_size:
                message_id = next(waiting, None)
                if message_id is None:
                    break
                message = _claim(message_id, now)
                if message is not None and message.attempts > 1 and _cancelled_as_no_longer_needed(message):
                    db.session.commit()  # an ask kept waiting by an outage, for an incident now closed
                elif message is not None:
                    in_flight[pool.submit(_hand_over, _what_to_send(message, base), gateway, mailer)] = message
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                message = in_flight.pop(future)
                _record(message, future, now, reached, unreachable)
                db.session.commit()
                handed += 1
    _note_provider_health(now, reached, unreachable)
    _alert_if_twilio_is_down(now)
    return handed


def _claim(message_id: int, now) -> OutboxMessage | None:
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def _what_to_send(message: OutboxMessage, base: str) -> dict:
    """Plain values for a pool thread: it never touches the session."""
    what = {"channel": message.channel, "to": message.to_number, "body": message.body,
            "status_callback": f"{base}/twilio/status"}
    if message.channel == Channel.EMAIL:
        what.update(to=message.to_email, subject=message.subject or "Carers Emergency Line",
                    message_key=f"outbox-{message.id}")
    elif message.channel == Channel.CALL:
        asking = message.purpose == Purpose.ASK
        what["script"] = f"{base}/twilio/ask/{message.page_id}" if asking else f"{base}/twilio/say/{message.id}"
    return what


def _hand_over(what: dict, gateway, mailer) -> str:
    """Runs in a pool thread: the provider call only."""
    if what["channel"] == Channel.SMS:
        return gateway.send_sms(what["to"], what["body"], what["status_callback"])
    if what["channel"] == Channel.CALL:
        return gateway.start_call(what["to"], what["script"], what["status_callback"])
    return mailer.send_email(what["to"], what["subject"], what["body"], what["message_key"])


def _record(message: OutboxMessage, future, now, reached: set, unreachable: dict) -> None:
    provider = provider_for(message.channel)
    try:
        provider_id = future.result()
    except SendFailed as failure:
        message.last_error = str(failure)
        if failure.transient:
            unreachable[provider] = str(failure)
            _wait_and_retry(message, now)
            hand_over.could_not_go(message, now)
            return
        reached.add(provider)  # it answered, even if the answer was no
        message.status = OutboxStatus.FAILED
        message.body = redact_secret_links(message.body)
        if failure.code == OPTED_OUT:
            opt_outs.opt_out(message.to_number, now)
        incidents.channel_failed(message, now, str(failure))
        hand_over.could_not_go(message, now)
        return
    except Exception as error:
        # Not an answer we understand: it may have gone, so it is never sent again.
        current_app.logger.exception("outbox: message %s: unexpected failure while sending", message.id)
        message.status, message.last_error = OutboxStatus.UNKNOWN, f"unexpected failure while sending: {error!r}"
        incidents.channel_failed(message, now, "sending failed unexpectedly")
        hand_over.could_not_go(message, now)
        return
    reached.add(provider)
    message.status = OutboxStatus.SENT
    # The provider has the text now; a details link must not stay readable in the outbox.
    message.body = redact_secret_links(message.body)
    if message.channel != Channel.EMAIL:
        message.provider_id = provider_id if provider_id != "local" else f"local-{message.id}"


def _cancelled_as_no_longer_needed(message: OutboxMessage) -> bool:
    """An ask whose incident is no longer asking anyone is cancelled, not sent."""
    if message.purpose not in ASKING or message.page_id is None:
        return False
    incident_status = db.session.scalar(
        select(Incident.status).join(Page, Page.incident_id == Incident.id).where(Page.id == message.page_id))
    if incident_status in STILL_ASKING:
        return False
    message.status = OutboxStatus.CANCELLED
    message.last_error = f"not sent: the incident is {incident_status}; last try: {message.last_error}"
    return True


def _wait_and_retry(message: OutboxMessage, now) -> None:
    if _cancelled_as_no_longer_needed(message):
        return
    if message.purpose not in ASKING and now - message.created_at > OTHERS_RETRIED_FOR:
        message.status = OutboxStatus.FAILED
        return
    message.status, message.next_attempt_at = OutboxStatus.PENDING, now + retry_delay(message.attempts)


def _note_provider_health(now, reached: set, unreachable: dict) -> None:
    """One write per provider per run: whether it answered, and since when it has not."""
    if not reached and not unreachable:
        return
    insert = _INSERT[db.session.get_bind().dialect.name]
    for provider in reached | set(unreachable):
        db.session.execute(insert(ProviderHealth).values(provider=provider)
                           .on_conflict_do_nothing(index_elements=["provider"]))
    for provider in reached:
        db.session.execute(update(ProviderHealth).where(ProviderHealth.provider == provider)
                           .values(failing_since=None, last_success_at=now))
    for provider, error in unreachable.items():
        if provider in reached:
            continue  # some sends got through: not an outage
        db.session.execute(update(ProviderHealth).where(ProviderHealth.provider == provider,
                                                        ProviderHealth.failing_since.is_(None))
                           .values(failing_since=now))
        db.session.execute(update(ProviderHealth).where(ProviderHealth.provider == provider)
                           .values(last_error=error))
    db.session.commit()


def _alert_if_twilio_is_down(now) -> None:
    """Coordinators are emailed once an outage has lasted long enough: once per outage."""
    outage = provider_outage("twilio", now, current_app.config["PROVIDER_OUTAGE_ALERT_SECONDS"])
    if outage is None:
        return
    summary = describe_outage("twilio", outage, local_zone())
    body = (f"Carers Emergency Line: {summary}. Texts and calls are kept and will go as soon as Twilio "
            f"answers; escalations carry on by the clock. Check Twilio's status page and the line's "
            f"console. Last error: {outage['error']}")
    alerts.alert_coordinators(key=f"provider-outage:twilio:{outage['since'].isoformat()}",
                              subject=f"Carers Emergency Line: {summary}", body=body,
                              purpose=Purpose.PROVIDER_OUTAGE_ALERT, now=now, by_text=False)
    db.session.commit()


def _give_up_on_interrupted_sends(now) -> None:
    stuck = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.sent_at < now - STUCK_AFTER)
    ).all()
    for message in stuck:
        message.status, message.last_error = OutboxStatus.UNKNOWN, "interrupted while sending; not sent again"
        current_app.logger.error("outbox: message %s to %s was interrupted while sending", message.id,
                                 message.to_number or message.to_email)
        incidents.channel_failed(message, now, "sending was interrupted")
        hand_over.could_not_go(message, now)
    db.session.commit()
