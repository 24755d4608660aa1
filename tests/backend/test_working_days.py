"""Tests of working-day arithmetic."""

from datetime import date

import pytest

from app.working_days import add_working_days, subtract_working_days

MONDAY = date(2026, 3, 16)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 0, MONDAY),
        (MONDAY, 1, date(2026, 3, 17)),
        (MONDAY, 5, date(2026, 3, 23)),
        (date(2026, 3, 20), 1, date(2026, 3, 23)),  # Friday -> Monday
        (date(2026, 3, 20), 2, date(2026, 3, 24)),
        (date(2026, 3, 21), 1, date(2026, 3, 23)),  # Saturday counts like Friday
        (date(2026, 3, 22), 2, date(2026, 3, 24)),  # Sunday too
        (MONDAY, 10, date(2026, 3, 30)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_subtracting_working_days_undoes_adding_them() -> None:
    monday = date(2026, 3, 16)
    assert subtract_working_days(monday, 1) == date(2026, 3, 13)
    assert subtract_working_days(monday, 0) == monday
    for days in range(0, 12):
        assert add_working_days(subtract_working_days(monday, days), days) == monday
