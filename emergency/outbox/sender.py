"""Takes due messages out of the outbox and hands each to its channel's transport, several at
once through the outbox's pool of threads (one for the life of the process).

A message is claimed (a conditional update to `sending`, recording the provider it goes to,
committed) before the provider is called; of several senders, exactly one claims each message.
If the process dies before the answer is recorded, the message stays `sending`, and a later run
settles it (emergency.outbox.interrupted): a provider that can be asked says whether it has it;
otherwise it is `unknown` and never sent again (at most once), and subscribers hear that it
failed, so that an escalation moves on. Only the provider calls run in the pool's threads; every
database read and write stays in the caller's thread and session.

With a second way out for texts (emergency.outbox.failover), each text goes by the provider
whose circuit is closed, and a provider whose circuit is open is probed, sending nothing,
until it answers again.

A provider that cannot be reached (a timeout, a refused connection, a 5xx or 429) is not a
failed delivery: the message waits and is tried again, backing off to once a minute, for as
long as a subscriber says it is still needed (an ask, while its incident is live), so an
outage delays asks rather than burning the escalation; other messages are tried for a day.
Only a permanent answer (an invalid number, an opted-out number) fails a message at once.
"""
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from itertools import islice

from flask import current_app
from sqlalchemy import select, update

from emergency.extensions import db
from emergency.outbox import failover, health, interrupted, opt_outs
from emergency.outbox.models import Channel, OutboxLetter, OutboxMessage, OutboxStatus
from emergency.outbox.outcomes import Need, Outcomes
from emergency.outbox.setup import Outbox, current_outbox
from emergency.outbox.transport import SendFailed, Transports
from emergency.redaction import redact_secret_links

BATCH = 500
LONGEST_WAIT = timedelta(seconds=60)
# Messages nobody vouches for (alerts, confirmations) are retried this long, then given up.
OTHERS_RETRIED_FOR = timedelta(days=1)


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** min(attempts - 1, 10)), LONGEST_WAIT)


def send_due(now, outbox: Outbox | None = None) -> int:
    """Send what is due; returns how many messages were handed over (or tried)."""
    outbox = outbox or current_outbox()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    routes = failover.Routes(outbox.transports, outbox.failover_window, outbox.outcomes)
    interrupted.settle(now, outbox.outcomes, outbox.transports)
    routes.load(now)
    due = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()
    db.session.commit()
    probes = routes.probes_due(now)
    handed, seen = 0, health.Seen()
    waiting, in_flight = iter(due), {}
    pool = outbox.pool.executor() if due or probes else None
    for provider, transport in probes:
        in_flight[pool.submit(transport.probe)] = _Probe(provider)
    try:
        while True:
            # Claim only as many as the pool can take now, so a claimed message is handed
            # over within seconds and never looks interrupted to another sender.
            while len(in_flight) < outbox.pool.size:
                message_ids = list(islice(waiting, outbox.pool.size - len(in_flight)))
                if not message_ids:
                    break
                for claim in _claim(message_ids, now, routes):
                    message = claim.message
                    if message.attempts > 1 and _cancelled_as_no_longer_needed(message, outbox.outcomes):
                        message.provider = claim.kept_by  # never handed to the provider it was claimed for
                        db.session.commit()  # a message kept waiting by an outage, and no longer needed
                    else:
                        in_flight[pool.submit(_hand_over(message, outbox.transports, base))] = claim
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                claim = in_flight.pop(future)
                if isinstance(claim, _Probe):
                    _record_probe(claim.provider, future, now, seen, routes)
                    continue
                _record(claim, future, now, seen, outbox.outcomes, routes)
                handed += 1
            db.session.commit()  # the answers that came in together, in one commit
    finally:
        wait(in_flight)  # a run ends with its hand-overs; one cut off by an error is `unknown` later
    health.note(seen, now, routes)
    carrier = routes.texts_carrier() if routes.active else None
    health.tell_of_twilio_outage(now, outbox.outcomes, current_app.config["PROVIDER_OUTAGE_ALERT_SECONDS"],
                                 texts_go_by=carrier if carrier != outbox.transports.sms.provider else None)
    return handed


@dataclass(frozen=True)
class _Claim:
    message: OutboxMessage
    provider: str  # the provider it is handed to this time
    kept_by: str | None  # the provider it already may have, from an earlier try, if any


@dataclass(frozen=True)
class _Probe:
    provider: str


def _claim(message_ids: list[int], now, routes: failover.Routes) -> list[_Claim]:
    """Claim these messages for this sender, in their order, recording in the same commit the
    provider each goes to: a send cut off by a crash then says who may have it. A message
    another sender claimed first (or that is no longer pending) is left out."""
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == OutboxStatus.PENDING)
        .execution_options(populate_existing=True)
    ).all()
    kept_by = {message.id: message.provider for message in pending}
    going_to = defaultdict(list)  # (the provider it may already have, the provider it goes to): ids
    for message in pending:
        going_to[message.provider, routes.provider_for(message)].append(message.id)
    claimed = set()
    for (earlier, provider), ids in going_to.items():
        claimed.update(db.session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING,
                                        OutboxMessage.provider.is_(None) if earlier is None
                                        else OutboxMessage.provider == earlier)
            .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, sent_at=now, provider=provider)
            .returning(OutboxMessage.id).execution_options(synchronize_session=False)
        ).all())
    db.session.commit()
    if not claimed:
        return []
    messages = {message.id: message for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).execution_options(populate_existing=True))}
    return [_Claim(messages[message_id], messages[message_id].provider, kept_by[message_id])
            for message_id in message_ids if message_id in claimed]


def _hand_over(message: OutboxMessage, transports: Transports, base: str):
    """The transport's call with plain values: a pool thread never touches the session."""
    reference = f"outbox-{message.id}"
    transport = transports.by_provider(message.provider)
    if message.channel == Channel.SMS:
        return partial((transport or transports.sms).send_sms, message.to_number, message.body, reference)
    if message.channel == Channel.CALL:
        asking = message.purpose == "ask"
        script = f"{base}/twilio/ask/{message.page_id}" if asking else f"{base}/twilio/say/{message.id}"
        return partial(transports.voice.start_call, message.to_number, script, reference)
    if message.channel == Channel.LETTER:
        letter = db.session.get(OutboxLetter, message.id)
        return partial(transports.letters.send_letter, letter.pdf, reference, letter.postage)
    return partial((transport or transports.email).send_email, message.to_email,
                   message.subject or "Carers Emergency Line", message.body, reference)


def _record_probe(provider: str, future, now, seen: health.Seen, routes: failover.Routes) -> None:
    try:
        future.result()
    except SendFailed as failure:
        if failure.transient:
            seen.no_answer(provider, str(failure))
            routes.saw(provider, False, now)
            return
    except Exception:  # noqa: BLE001  a probe that breaks says only that the provider is not back
        current_app.logger.exception("outbox: probing %s failed unexpectedly", provider)
        seen.no_answer(provider, "the probe failed unexpectedly")
        routes.saw(provider, False, now)
        return
    seen.answered(provider)
    routes.saw(provider, True, now)


def _record(claim: _Claim, future, now, seen: health.Seen, outcomes: Outcomes, routes: failover.Routes) -> None:
    message, provider = claim.message, claim.provider
    try:
        provider_id = future.result()
    except SendFailed as failure:
        message.last_error = str(failure)
        if failure.transient:
            seen.no_answer(provider, str(failure))
            routes.saw(provider, False, now)
            if not failure.may_have_arrived and claim.kept_by is None:
                message.provider = None  # it never reached the provider: a later try may go another way
            _wait_and_retry(message, now, outcomes)
            if message.status == OutboxStatus.PENDING:
                outcomes.waiting(message, now, str(failure))
            return
        seen.answered(provider)  # it answered, even if the answer was no
        routes.saw(provider, True, now)
        message.status = OutboxStatus.FAILED
        message.body = redact_secret_links(message.body)
        if failure.opted_out:
            opt_outs.opt_out(message.to_number, now)
        outcomes.delivery_failed(message, now, str(failure))
        return
    except Exception as error:
        # Not an answer we understand: it may have gone, so it is never sent again.
        current_app.logger.exception("outbox: message %s: unexpected failure while sending", message.id)
        message.status, message.last_error = OutboxStatus.UNKNOWN, f"unexpected failure while sending: {error!r}"
        outcomes.delivery_failed(message, now, "sending failed unexpectedly")
        return
    seen.answered(provider)
    routes.saw(provider, True, now)
    message.status = OutboxStatus.SENT
    # The provider has the text now; a details link must not stay readable in the outbox.
    message.body = redact_secret_links(message.body)
    message.provider_id = provider_id
    if message.channel == Channel.LETTER and provider != "local":
        db.session.get(OutboxLetter, message.id).pdf = None  # the provider has it; the letter holds a plan


def _cancelled_as_no_longer_needed(message: OutboxMessage, outcomes: Outcomes) -> bool:
    """A message that a subscriber no longer needs (an ask of a closed incident) is cancelled, not sent."""
    need = outcomes.still_needed(message)
    if need is None or need.wanted:
        return False
    _cancel(message, need)
    return True


def _cancel(message: OutboxMessage, need: Need) -> None:
    message.status = OutboxStatus.CANCELLED
    message.last_error = f"not sent: {need.why}; last try: {message.last_error}"


def _wait_and_retry(message: OutboxMessage, now, outcomes: Outcomes) -> None:
    need = outcomes.still_needed(message)
    if need is not None and not need.wanted:
        _cancel(message, need)
    elif need is None and now - message.created_at > OTHERS_RETRIED_FOR:
        message.status = OutboxStatus.FAILED
    else:
        message.status, message.next_attempt_at = OutboxStatus.PENDING, now + retry_delay(message.attempts)
