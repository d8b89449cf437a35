"""The limits on the public pages, decided purely from counts: texts of codes (per number a day,
per client address an hour, in all an hour: the defence against SMS pumping, where a public form
is made to text premium numbers) and applications started per client address an hour."""
import hashlib
import hmac
from dataclasses import dataclass

from emergency.applications.settings import FrontDoorSettings


@dataclass(frozen=True)
class CodeCounts:
    to_number_last_day: int
    from_address_last_hour: int
    everyone_last_hour: int


def code_refusal(counts: CodeCounts, settings: FrontDoorSettings) -> str | None:
    """None when a code may be texted; else which limit stops it: 'number', 'address' or 'everyone'."""
    if counts.everyone_last_hour >= settings.codes_per_hour:
        return "everyone"
    if counts.from_address_last_hour >= settings.codes_per_address_per_hour:
        return "address"
    if counts.to_number_last_day >= settings.codes_per_number_per_day:
        return "number"
    return None


def may_start(started_last_hour: int, settings: FrontDoorSettings) -> bool:
    return started_last_hour < settings.applications_per_address_per_hour


def address_hash(address: str | None, secret_key: str) -> str:
    """The client's address as a keyed hash: enough to count by, without keeping the address."""
    return hmac.new(secret_key.encode(), f"client-address:{address or ''}".encode(), hashlib.sha256).hexdigest()


def is_uk_mobile(e164: str) -> bool:
    """Codes go only to UK mobiles (+447...), never abroad or to premium-rate numbers."""
    return e164.startswith("+447") and len(e164) == 13
