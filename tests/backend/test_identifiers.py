"""Tests of number normalisation."""

import pytest

from app.identifiers import (
    format_handoff_reference,
    format_request_number,
    normalise_application_number,
    normalise_request_number,
    sequence_of,
)


@pytest.mark.parametrize(
    "typed",
    [
        "APP-204817",
        "app 204817",
        "APP204817",
        "app-204817",
        " App 204817\n",
        "\uff21\uff30\uff30\uff0d\uff12\uff10\uff14\uff18\uff11\uff17",
        "APP-204817\u200b",
    ],
)
def test_application_numbers(typed: str) -> None:
    assert normalise_application_number(typed) == "APP-204817"


@pytest.mark.parametrize("typed", ["SR-100231", "sr 100231", "SR100231", "sr-100231"])
def test_request_numbers(typed: str) -> None:
    assert normalise_request_number(typed) == "SR-100231"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "APP-20481",
        "APP-2048177",
        "APP--204817",
        "APP 20 48 17",
        "SR-100231",
        "application 204817",
        "APP-\u0662\u0660\u0664\u0668\u0661\u0667",
    ],
)
def test_not_application_numbers(typed: str) -> None:
    assert normalise_application_number(typed) is None


@pytest.mark.parametrize("typed", ["", "SR-10023", "APP-100231", "SR_100231", "SR-100231x"])
def test_not_request_numbers(typed: str) -> None:
    assert normalise_request_number(typed) is None


def test_formats() -> None:
    assert format_request_number(100233) == "SR-100233"
    assert format_handoff_reference(1) == "HO-000001"
    assert sequence_of("HO-000017") == 17
