"""How long a console login must wait after refused attempts. Pure: times are passed in.

Growing delays, not a lockout: a lockout lets anyone who knows a username keep its owner out;
a delay that doubles with each failure makes guessing hopeless (about 30 guesses an hour per
account) while the owner, on a device that has logged in before, is not held up at all."""
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)  # failures older than this are forgotten


@dataclass(frozen=True)
class Throttle:
    free_failures: int  # failures allowed before any wait
    longest_wait: timedelta

    def wait(self, failures: int, last_failure_at: datetime | None, now: datetime) -> timedelta:
        """How much longer the next attempt must wait, given the failures in the window."""
        if failures < self.free_failures or last_failure_at is None:
            return timedelta(0)
        delay = min(timedelta(seconds=2 ** min(failures - self.free_failures, 20)), self.longest_wait)
        return max(last_failure_at + delay - now, timedelta(0))
