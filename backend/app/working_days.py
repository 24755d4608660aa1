"""Service-level arithmetic in working days (Monday to Friday)."""

from datetime import date, timedelta


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`; a weekend start counts like the Friday before.

    Public holidays are not modelled yet: the city's calendar is not in the
    data, and a target one day early errs on the side of the citizen.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def subtract_working_days(end: date, days: int) -> date:
    """The date `days` working days before `end`: the inverse of add_working_days for a working-day `end`."""
    current = end
    remaining = days
    while remaining > 0:
        current -= timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
