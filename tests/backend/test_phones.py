"""Tests of phone-number normalisation (app/phones.py)."""

import pytest

from app.phones import is_e164, normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900010", "+447700900010"),
        ("+44 7700 900010", "+447700900010"),
        ("0044 7700 900010", "+447700900010"),
        ("(07700) 900-010", "+447700900010"),
        ("+1 415 555 0100", "+14155550100"),
    ],
)
def test_written_forms_become_e164(raw: str, expected: str) -> None:
    assert normalise_phone(raw, default_region="GB") == expected


@pytest.mark.parametrize("raw", [None, "", "call me", "12", "+44"])
def test_unreadable_numbers_are_none(raw: str | None) -> None:
    assert normalise_phone(raw, default_region="GB") is None


def test_e164_check() -> None:
    assert is_e164("+447700900010")
    for value in ("447700900010", "+0447700900010", "+44 7700 900010", "+1234", "+4477009000101234"):
        assert not is_e164(value)
