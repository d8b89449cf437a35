"""The front door's settings as one typed object, built from the app's settings at the edges."""
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class FrontDoorSettings:
    secret_key: str
    code_lifetime: timedelta
    code_tries: int
    codes_per_number_per_day: int
    codes_per_address_per_hour: int
    codes_per_hour: int
    applications_per_address_per_hour: int
    retention_months: int

    @classmethod
    def from_config(cls, config) -> "FrontDoorSettings":
        return cls(secret_key=config["SECRET_KEY"],
                   code_lifetime=timedelta(minutes=config["MOBILE_CODE_MINUTES"]),
                   code_tries=config["MOBILE_CODE_TRIES"],
                   codes_per_number_per_day=config["MOBILE_CODES_PER_NUMBER_PER_DAY"],
                   codes_per_address_per_hour=config["MOBILE_CODES_PER_ADDRESS_PER_HOUR"],
                   codes_per_hour=config["MOBILE_CODES_PER_HOUR"],
                   applications_per_address_per_hour=config["APPLICATIONS_PER_ADDRESS_PER_HOUR"],
                   retention_months=config["APPLICATION_RETENTION_MONTHS"])
