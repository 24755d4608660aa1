"""Tests of the contact centre's opening hours."""

from datetime import UTC, datetime

import pytest

from app.handoff.opening_hours import OpeningHours

HOURS = OpeningHours.parse("Mon-Fri 08:00-18:00; Sat 09:00-13:00", "Europe/London")


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 3, 16, 8, 0, tzinfo=UTC), True),  # Monday 08:00 GMT
        (datetime(2026, 3, 16, 7, 59, tzinfo=UTC), False),
        (datetime(2026, 3, 16, 18, 0, tzinfo=UTC), False),
        (datetime(2026, 3, 21, 12, 59, tzinfo=UTC), True),  # Saturday
        (datetime(2026, 3, 22, 12, 0, tzinfo=UTC), False),  # Sunday
        (datetime(2026, 7, 6, 7, 30, tzinfo=UTC), True),  # 08:30 British Summer Time
    ],
)
def test_open_in_the_centres_own_time_zone(moment: datetime, is_open: bool) -> None:
    assert HOURS.is_open(moment) is is_open


def test_next_opening_skips_to_monday_after_saturday_closing() -> None:
    saturday_evening = datetime(2026, 3, 21, 17, 0, tzinfo=UTC)
    assert HOURS.next_opening(saturday_evening) == datetime(2026, 3, 23, 8, 0, tzinfo=HOURS.zone)


def test_always_and_wrap_around_ranges() -> None:
    assert OpeningHours.parse("always", "UTC").is_open(datetime(2026, 3, 22, 3, 0, tzinfo=UTC))
    weekend = OpeningHours.parse("Sat-Sun 00:00-24:00", "UTC")
    assert weekend.is_open(datetime(2026, 3, 22, 23, 59, tzinfo=UTC))
    assert not weekend.is_open(datetime(2026, 3, 23, 0, 0, tzinfo=UTC))
    wrapping = OpeningHours.parse("Fri-Mon 10:00-11:00", "UTC")
    assert wrapping.is_open(datetime(2026, 3, 22, 10, 30, tzinfo=UTC))
    assert not wrapping.is_open(datetime(2026, 3, 18, 10, 30, tzinfo=UTC))


@pytest.mark.parametrize("spec", ["", "weekdays", "Mon-Fri 18:00-08:00", "Mon 25:00-26:00", "Xyz 08:00-09:00"])
def test_unreadable_hours_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        OpeningHours.parse(spec, "UTC")
