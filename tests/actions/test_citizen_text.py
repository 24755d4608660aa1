"""actions/citizen_text.py: cleaning untrusted text and formatting dates."""

import pytest

from actions.citizen_text import as_text, clean_citizen_text, format_citizen_date


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("Mill\u200b Lane", "Mill Lane"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("a\x00b\x1bc\x7f", "abc"),
        ("  two\n\nlines\t here  ", "two lines here"),
        ("\ufeffbom", "bom"),
        ("Café ☕ on Quay Street", "Café ☕ on Quay Street"),
        (None, ""),
        (42, ""),
    ],
)
def test_invisible_and_control_characters_are_removed(raw, clean):
    assert clean_citizen_text(raw) == clean


def test_length_is_bounded():
    assert clean_citizen_text("x" * 50_000) == "x" * 20_000
    assert clean_citizen_text("abcdef", 3) == "abc"


def test_dates_read_like_the_city_writes_them():
    assert format_citizen_date("2026-05-02") == "2 May 2026"
    assert format_citizen_date("2026-11-20T09:15:00Z") == "20 November 2026"
    assert format_citizen_date("soon") == "soon"
    assert format_citizen_date(None) == ""


def test_slot_values_as_text():
    assert as_text(["APP-204817", "APP-204817"]) == "APP-204817 APP-204817"
    assert as_text(True) == ""
