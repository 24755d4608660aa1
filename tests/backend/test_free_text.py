"""Tests of free-text cleaning."""

import pytest

from app.free_text import clean_free_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Mill Lane  ", "Mill Lane"),
        ("Mill\u200bLane", "MillLane"),
        ("\ufeffMill Lane\u2060", "Mill Lane"),
        ("Mill\x00 Lane\x7f", "Mill Lane"),
        ("right\u202eto left", "rightto left"),
        ("Mill\tLane\nend", "Mill Lane end"),
        ("Cafe\u0301", "Caf\u00e9"),
        ("街道 12 号", "街道 12 号"),
        ("\u200b \x00 ", ""),
    ],
)
def test_single_line(raw: str, clean: str) -> None:
    assert clean_free_text(raw) == clean


def test_multiline_keeps_line_breaks_but_not_carriage_returns() -> None:
    assert clean_free_text(" first\r\nsecond\tthird\x0b ", multiline=True) == "first\nsecond\tthird"
