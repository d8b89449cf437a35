"""Twilio's delivery reports for what the outbox sent. Callers commit."""
from emergency.outbox import delivery_reports, twilio_transport


def delivery_report(provider_id: str, status: str, error_code: str | None, sequence: int | None, now) -> None:
    """A Twilio status callback: the outbox records it and tells whoever subscribed (a failed ask moves on)."""
    delivery_reports.record(provider_id, twilio_transport.delivery_report(status, error_code, sequence), now)
