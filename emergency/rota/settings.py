"""Office hours and the bank-holiday calendar, read from settings."""
from datetime import time
from functools import lru_cache

import holidays

from emergency.rota.calendar import WEEKDAYS, OfficeHours


def _clock_time(text: str, name: str) -> time:
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise RuntimeError(f"{name} must be a time like 09:00, got {text!r}") from None


def office_hours_from(days: str, opens: str, closes: str) -> OfficeHours:
    chosen = frozenset(day.strip().lower() for day in days.split(",") if day.strip())
    unknown = chosen - set(WEEKDAYS)
    if unknown:
        raise RuntimeError(f"OFFICE_DAYS has unknown days {sorted(unknown)}; use {','.join(WEEKDAYS)}")
    office = OfficeHours(chosen, _clock_time(opens, "OFFICE_OPENS"), _clock_time(closes, "OFFICE_CLOSES"))
    if office.closes <= office.opens:
        raise RuntimeError("OFFICE_CLOSES must be after OFFICE_OPENS")
    return office


def validate_region(region: str) -> None:
    if region not in holidays.country_holidays("GB").subdivisions:
        raise RuntimeError(f"BANK_HOLIDAY_REGION must be one of {holidays.country_holidays('GB').subdivisions}")


@lru_cache(maxsize=8)
def bank_holidays(region: str):
    """Bank holidays of a UK nation; years load as they are asked about."""
    return holidays.country_holidays("GB", subdiv=region)


def office_hours(config) -> OfficeHours:
    return office_hours_from(config["OFFICE_DAYS"], config["OFFICE_OPENS"], config["OFFICE_CLOSES"])
