"""The one place people are alerted outside an escalation's asks: coordinators (exhausted
incidents, finished rota rounds, rota gaps, a provider outage, a kept text nobody could
handle), and the people a call or text is handed to. Each is reached by every way their
addresses allow (emergency.alerts.reach), so a coordinator with only an email gets the email
and a person with no address is skipped, never queued to nowhere."""
from flask import current_app

from emergency.alerts.reach import Addresses, ways_to_reach
from emergency.outbox import opt_outs
from emergency.outbox.models import Channel
from emergency.outbox.outcomes import OutageNotice
from emergency.outbox.service import queue_message
from emergency.users.service import alert_recipients

# The idempotency key of each way, after the person's own key: the same alert queued again
# (another tick, another process) adds nothing.
_KEY_ENDING = {Channel.SMS: "", Channel.CALL: ":call", Channel.EMAIL: ":email"}


def alert_person(*, key: str, person: Addresses, wanted, body: str, purpose: str, now, subject: str | None = None,
                 urgent: bool = False, incident_id: int | None = None, sms_blocked=None) -> list[int]:
    """Queue the alert to one person by every way among `wanted` they can be reached; returns
    the outbox ids (none when the person has no address for any of them)."""
    blocked = opt_outs.OptedOutAmong([person.mobile]) if sms_blocked is None else sms_blocked
    queued = []
    for way in ways_to_reach(person, wanted, sms_blocked=blocked, urgent=urgent):
        addressed = {"to_email": way.to, "subject": subject} if way.channel == Channel.EMAIL else {"to_number": way.to}
        queued.append(queue_message(key=key + _KEY_ENDING[way.channel], channel=way.channel, body=body,
                                    purpose=purpose, now=now, incident_id=incident_id, **addressed))
    return queued


def alert_coordinators(*, key: str, subject: str, body: str, purpose: str, now, by_text: bool = True,
                       urgent: bool = False, incident_id: int | None = None) -> list[int]:
    """Queue the alert for every active coordinator and admin, by text and email as each has;
    returns the outbox ids. by_text=False for alerts about texts not getting through: those go
    by email only."""
    wanted = (Channel.SMS, Channel.EMAIL) if by_text else (Channel.EMAIL,)
    recipients = alert_recipients()
    blocked = opt_outs.OptedOutAmong(user.mobile for user in recipients)
    queued = []
    for user in recipients:
        queued += alert_person(key=f"{key}:user:{user.id}", person=Addresses(user.mobile, user.email), wanted=wanted,
                               body=body, purpose=purpose, now=now, subject=subject, urgent=urgent,
                               incident_id=incident_id, sms_blocked=blocked)
    if not queued:
        current_app.logger.warning("nobody to alert (no coordinator has %s): %s",
                                   "a mobile or an email address" if by_text else "an email address", body)
    return queued


def tell_coordinators_of_outage(notice: OutageNotice, now) -> None:
    """The outbox's word that a provider is out of reach: by email only, since texts are what
    is not getting through."""
    alert_coordinators(key=notice.key, subject=notice.subject, body=notice.body, purpose="provider_outage_alert",
                       now=now, by_text=False)
