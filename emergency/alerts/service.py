"""The one place coordinators are alerted (exhausted incidents, finished rota rounds, rota gaps,
a provider outage): a text to each with a mobile, an email to each with an address. Every
alert path calls `alert_coordinators`, so a new kind of alert reaches both without more code."""
from flask import current_app

from emergency.outbox.outcomes import OutageNotice
from emergency.outbox.service import queue_message
from emergency.users.service import alert_recipients


def alert_coordinators(*, key: str, subject: str, body: str, purpose: str, now, by_text: bool = True) -> list[int]:
    """Queue the alert for every active coordinator and admin; returns the outbox ids. `key`
    names this alert, so that queuing it again (another tick, another process) adds nothing.
    by_text=False for alerts about texts not getting through: those go by email only."""
    queued = []
    recipients = alert_recipients()
    for user in recipients:
        if by_text and user.mobile:
            queued.append(queue_message(key=f"{key}:user:{user.id}", channel="sms", to_number=user.mobile,
                                        body=body, purpose=purpose, now=now))
        if user.email:
            queued.append(queue_message(key=f"{key}:user:{user.id}:email", channel="email", to_email=user.email,
                                        subject=subject, body=body, purpose=purpose, now=now))
    if not queued:
        current_app.logger.warning("nobody to alert (no coordinator has %s): %s",
                                   "mobile or an email address" if by_text else "an email address", body)
    return queued


def tell_coordinators_of_outage(notice: OutageNotice, now) -> None:
    """The outbox's word that a provider is out of reach: by email only, since texts are what
    is not getting through."""
    alert_coordinators(key=notice.key, subject=notice.subject, body=notice.body, purpose="provider_outage_alert",
                       now=now, by_text=False)
