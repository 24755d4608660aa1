"""When the contact centre is staffed, from a setting like "Mon-Fri 08:00-18:00; Sat 09:00-13:00"."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_PART = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{2}:\d{2})-(?P<close>\d{2}:\d{2})$")
ALWAYS = "always"


@dataclass(frozen=True)
class OpeningHours:
    """Opening intervals per weekday (0 = Monday) in the centre's own time zone."""

    intervals: dict[int, list[tuple[time, time | None]]]  # close None = midnight
    zone: ZoneInfo
    always: bool = False

    @classmethod
    def parse(cls, spec: str, zone_name: str) -> "OpeningHours":
        """Parse `Mon-Fri 08:00-18:00; Sat 09:00-13:00` (or `always`); ValueError with the reason."""
        zone = ZoneInfo(zone_name)
        text = spec.strip().lower()
        if text == ALWAYS:
            return cls(intervals={}, zone=zone, always=True)
        intervals: dict[int, list[tuple[time, time | None]]] = {day: [] for day in range(7)}
        for part in filter(None, (p.strip() for p in re.split(r"[;,]", text))):
            match = _PART.match(part)
            if not match or match["first"] not in DAYS or (match["last"] and match["last"] not in DAYS):
                raise ValueError(f"cannot read opening hours {part!r}; write e.g. 'Mon-Fri 08:00-18:00'")
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"] or match["first"])
            opens = _clock(match["open"])
            closes = None if match["close"] == "24:00" else _clock(match["close"])
            if opens is None or (closes is not None and closes <= opens):
                raise ValueError(f"opening hours {part!r} close before they open")
            day = first
            while True:
                intervals[day].append((opens, closes))
                if day == last:
                    break
                day = (day + 1) % 7
        if not any(intervals.values()):
            raise ValueError("opening hours name no open time at all")
        return cls(intervals=intervals, zone=zone)

    def is_open(self, moment: datetime) -> bool:
        if self.always:
            return True
        local = moment.astimezone(self.zone)
        return any(_within(local.time(), opens, closes) for opens, closes in self.intervals[local.weekday()])

    def next_opening(self, moment: datetime) -> datetime:
        """The next moment the centre opens (`moment` itself when it is open now)."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for opens, _closes in sorted(self.intervals[day.weekday()]):
                candidate = datetime.combine(day, opens, tzinfo=self.zone)
                if candidate > local:
                    return candidate
        raise AssertionError("parse() guarantees an open time every week")


def _clock(text: str) -> time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _within(now: time, opens: time, closes: time | None) -> bool:
    return opens <= now and (closes is None or now < closes)
