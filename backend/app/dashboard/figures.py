"""A dashboard figure is a small table: what the page charts and what the CSV export writes, from one source."""

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

Cell = str | int | float | None

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # One sentence on how the figure is counted, shown under the chart.
    note: str = ""


def ratio(part: int, whole: int) -> float | None:
    """part / whole, rounded to 4 places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(len(ordered) * p / 100))
    return ordered[rank - 1]


def _csv_cell(value: Cell | date | datetime) -> Cell:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def figures_csv(figures: list[Figure]) -> str:
    """One figure as its own table; several one after another, each under its title, separated by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, figure in enumerate(figures):
        if len(figures) > 1:
            if index:
                writer.writerow([])
            writer.writerow([_csv_cell(figure.title)])
        writer.writerow(figure.columns)
        writer.writerows([_csv_cell(cell) for cell in row] for row in figure.rows)
    return out.getvalue()
