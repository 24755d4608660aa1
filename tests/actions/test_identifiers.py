"""actions/identifiers.py: every accepted input of the contract's identifier table, and near misses."""

import datetime as dt

import pytest

from actions.identifiers import (
    normalise_application_number,
    normalise_request_number,
    parse_date_of_birth,
    parse_identity_proof,
    parse_pin,
    split_identity_proof,
)


@pytest.mark.parametrize(
    "text",
    [
        "APP-204817", "app 204817", "APP204817", "app-204817", "it's App–204817 thanks", "ＡＰＰ２０４８１７",
        "我的申请号是APP-204817。",
    ],
)
def test_application_numbers_are_normalised(text):
    assert normalise_application_number(text) == "APP-204817"


@pytest.mark.parametrize(
    "text", ["204817", "APP-20481", "APP-2048171", "SR-204817", "XAPP-204817", "APP-204817 or APP-204818", "", "hello"]
)
def test_anything_else_is_not_an_application_number(text):
    assert normalise_application_number(text) is None


@pytest.mark.parametrize("text", ["SR-100231", "sr 100231", "SR100231", "sr-100231", "the ref is SR 100231."])
def test_request_numbers_are_normalised(text):
    assert normalise_request_number(text) == "SR-100231"


@pytest.mark.parametrize("text", ["100231", "APP-100231", "SR-10023", "SSR-100231", "SR-100231 SR-100232"])
def test_anything_else_is_not_a_request_number(text):
    assert normalise_request_number(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "1985-03-14",
        "14/03/1985",
        "14.03.1985",
        "14-03-1985",
        "14 March 1985",
        "March 14, 1985",
        "14 Mar 1985",
        "14th of March 1985",
        "born on 14/3/1985",
        "14 MARCH 1985",
        "mar 14 1985",
        "14 Mar. 1985",
        "1985年3月14日",
        "我的生日是1985年03月14号",
        "1985 年 3 月 14 日出生",
    ],
)
def test_dates_of_birth_in_every_accepted_format(text):
    assert parse_date_of_birth(text, today=dt.date(2026, 11, 20)) == "1985-03-14"


def test_slash_dates_are_day_first():
    assert parse_date_of_birth("02/11/1990") == "1990-11-02"


@pytest.mark.parametrize(
    "text",
    [
        "31/02/1985",
        "14/13/1985",
        "14 Smarch 1985",
        "1985",
        "14/03/85",
        "01/01/1850",
        "21/11/2026",
        "14/03/1985 or 15/03/1985",
    ],
)
def test_impossible_future_or_ambiguous_dates_are_refused(text):
    assert parse_date_of_birth(text, today=dt.date(2026, 11, 20)) is None


@pytest.mark.parametrize(
    "text,pin",
    [("482913", "482913"), ("482 913", "482913"), ("my pin is 482913", "482913"), ("PIN是482913", "482913")],
)
def test_pins(text, pin):
    assert parse_pin(text) == pin


@pytest.mark.parametrize("text", ["48291", "4829133", "APP-482913", "SR 482913", "pin482913x", "123456 654321"])
def test_not_pins(text):
    assert parse_pin(text) is None


@pytest.mark.parametrize(
    "text,proof",
    [
        ("14/03/1985", "dob:1985-03-14"),
        ("482913", "pin:482913"),
        ("14031985", None),
        ("no idea", None),
        ("APP-204817", None),
    ],
)
def test_identity_proof_is_stored_normalised(text, proof):
    assert parse_identity_proof(text) == proof


def test_stored_proof_splits_into_the_backend_field():
    assert split_identity_proof("dob:1985-03-14") == ("date_of_birth", "1985-03-14")
    assert split_identity_proof("pin:482913") == ("pin", "482913")
    for malformed in (None, "", "14/03/1985", "pin:12", "dob:yesterday", "ssn:123456"):
        assert split_identity_proof(malformed) is None
