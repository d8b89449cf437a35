"""Cover's settings as one typed object, built from the app's settings at the edge."""
from dataclasses import dataclass
from datetime import timedelta

from emergency.cover.limit import CoverLimit


@dataclass(frozen=True)
class CoverSettings:
    limit: CoverLimit
    ask_for: timedelta
    start_grace: timedelta
    social_care_email: str | None
    public_base_url: str
    bank_holiday_region: str

    @classmethod
    def from_config(cls, config) -> "CoverSettings":
        return cls(CoverLimit(config["COVER_LIMIT_HOURS"], config["COVER_BANK_HOLIDAY_EXTRA_HOURS"]),
                   timedelta(minutes=config["COVER_ASK_MINUTES"]), timedelta(minutes=config["COVER_START_GRACE_MINUTES"]),
                   config.get("SOCIAL_CARE_EMAIL"), config["PUBLIC_BASE_URL"].rstrip("/"), config["BANK_HOLIDAY_REGION"])
