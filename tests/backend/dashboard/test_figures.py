"""The small arithmetic and formats behind the dashboard: percentiles, periods, CSV."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from app.dashboard.figures import Figure, figures_csv, percentile, ratio
from app.dashboard.period import MAX_DAYS, BadPeriod, default_period, make_period
from app.dashboard.service_requests import _on_time


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([], 50, None),
        ([7.0], 90, 7.0),
        ([60.0, 120.0, 300.0], 50, 120.0),
        ([60.0, 120.0, 300.0], 90, 300.0),
        ([300.0, 60.0, 120.0, 30.0], 50, 60.0),  # unsorted input; ceil(4 * 0.5) = 2nd smallest
        ([float(v) for v in range(1, 11)], 90, 9.0),
        ([float(v) for v in range(1, 11)], 91, 10.0),
    ],
)
def test_nearest_rank_percentile(values: list[float], p: float, expected: float | None) -> None:
    assert percentile(values, p) == expected


def test_ratio_of_nothing_is_none() -> None:
    assert ratio(0, 0) is None
    assert ratio(2, 3) == 0.6667


def test_a_period_is_whole_local_days() -> None:
    period = make_period(date(2024, 6, 3), date(2024, 6, 9), "Europe/London")
    assert period.start == datetime(2024, 6, 2, 23, 0, tzinfo=UTC)
    assert period.end == datetime(2024, 6, 9, 23, 0, tzinfo=UTC)
    assert period.days == 7
    winter = make_period(date(2024, 1, 1), date(2024, 1, 1), "Europe/London")
    assert (winter.start, winter.end) == (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))


def test_default_period_is_the_last_seven_days_today_included() -> None:
    period = default_period(datetime(2026, 3, 16, 23, 30, tzinfo=UTC), "Europe/London")
    assert (period.first_day, period.last_day) == (date(2026, 3, 10), date(2026, 3, 16))


def test_bad_periods_are_refused() -> None:
    with pytest.raises(BadPeriod, match="ends before it starts"):
        make_period(date(2024, 6, 9), date(2024, 6, 3), "Europe/London")
    with pytest.raises(BadPeriod, match=str(MAX_DAYS)):
        make_period(date(2020, 1, 1), date(2024, 1, 1), "Europe/London")


def test_on_time_is_judged_once_resolved_or_late() -> None:
    due = date(2024, 6, 5)
    assert _on_time(due, datetime(2024, 6, 5, 22, 0, tzinfo=UTC), date(2024, 6, 10)) is True
    assert _on_time(due, datetime(2024, 6, 6, 0, 1, tzinfo=UTC), date(2024, 6, 10)) is False
    assert _on_time(due, None, date(2024, 6, 6)) is False
    assert _on_time(due, None, due) is None  # still due today: not judged yet


def test_csv_has_one_table_per_figure_and_defuses_formulas() -> None:
    figures = [
        Figure("a", "First", ["name", "count"], [['=HYPERLINK("x")', 1], ["plain", None]]),
        Figure("b", "Second", ["rate"], [[0.5]]),
    ]
    single = list(csv.reader(io.StringIO(figures_csv(figures[:1]))))
    assert single == [["name", "count"], ['\'=HYPERLINK("x")', "1"], ["plain", ""]]
    both = list(csv.reader(io.StringIO(figures_csv(figures))))
    assert both == [
        ["First"],
        ["name", "count"],
        ['\'=HYPERLINK("x")', "1"],
        ["plain", ""],
        [],
        ["Second"],
        ["rate"],
        ["0.5"],
    ]
