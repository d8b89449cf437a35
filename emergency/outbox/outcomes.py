"""Who hears how messages fared, and who may say whether one is still worth sending.

The outbox sits below the concepts that queue messages: it never imports them. They subscribe
here instead (the app factory wires them up), and the outbox calls what they subscribed:
- `delivery_failed(message, now, why)`: a message failed, or may not have gone (a crash mid-send);
- `waiting(message, now, why)`: the provider could not take a message yet; it is tried again later;
- `still_needed(message) -> Need | None`: asked of a message the provider could not take yet;
- `unanswered_call(message) -> bool`: asked of a call that ended: did it reach nobody
  (answered by voicemail, say)? Then it counts as failed;
- `outage(notice, now)`: a provider has been out of reach long enough to tell people;
- `call_held(message, now)`: a call waits for a provider now known to be failing while texts
  go another way: nobody should wait for it.
With nobody subscribed, nothing is told and every message is tried for a day.
"""
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Need:
    """An answer about a message that is waiting for its provider: still wanted (tried for as
    long as it takes), or no longer (cancelled, never sent), and why in a few words."""

    wanted: bool
    why: str


@dataclass(frozen=True)
class OutageNotice:
    key: str  # the same for one outage, so that it is told once
    subject: str
    body: str


class Outcomes:
    def __init__(self):
        self._delivery_failed, self._waiting, self._still_needed, self._unanswered_call, self._outage = \
            [], [], [], [], []
        self._call_held = []

    def subscribe(self, *, delivery_failed=None, waiting=None, still_needed=None, unanswered_call=None,
                  outage=None, call_held=None) -> None:
        for subscribers, subscriber in ((self._delivery_failed, delivery_failed), (self._waiting, waiting),
                                        (self._still_needed, still_needed), (self._unanswered_call, unanswered_call),
                                        (self._outage, outage), (self._call_held, call_held)):
            if subscriber is not None:
                subscribers.append(subscriber)

    def delivery_failed(self, message, now, why: str) -> None:
        for subscriber in self._delivery_failed:
            subscriber(message, now, why)

    def waiting(self, message, now, why: str) -> None:
        for subscriber in self._waiting:
            subscriber(message, now, why)

    def still_needed(self, message) -> Need | None:
        """No longer wanted if any subscriber says so; wanted if any says so; None if none knows."""
        answers = [answer for subscriber in self._still_needed if (answer := subscriber(message)) is not None]
        return next((answer for answer in answers if not answer.wanted), answers[0] if answers else None)

    def unanswered_call(self, message) -> bool:
        return any(subscriber(message) for subscriber in self._unanswered_call)

    def outage(self, notice: OutageNotice, now) -> None:
        for subscriber in self._outage:
            subscriber(notice, now)

    def call_held(self, message, now) -> None:
        for subscriber in self._call_held:
            subscriber(message, now)


def current_outcomes() -> Outcomes:
    return current_app.extensions["outbox"].outcomes
