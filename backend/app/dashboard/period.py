"""The days a dashboard covers, in the contact centre's own time zone, and their bounds in UTC."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_DAYS = 7
# A year of records is as much as one request should read.
MAX_DAYS = 366


class BadPeriod(ValueError):
    """The period cannot be used; the message says why and is safe to show."""


@dataclass(frozen=True)
class Period:
    """Whole days from `first_day` to `last_day` (both included), as the city's clocks count them."""

    first_day: date
    last_day: date
    timezone: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), tzinfo=self.timezone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=self.timezone).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.timezone)


def make_period(first_day: date, last_day: date, timezone: str) -> Period:
    if last_day < first_day:
        raise BadPeriod("The period ends before it starts.")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise BadPeriod(f"Choose a period of at most {MAX_DAYS} days.")
    return Period(first_day, last_day, ZoneInfo(timezone))


def default_period(now: datetime, timezone: str) -> Period:
    """The last seven days, today included."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    return make_period(today - timedelta(days=DEFAULT_DAYS - 1), today, timezone)
