"""Open311 (GeoReport v2), the surface open to other cities' apps: hostile input refused in the specification's format.

Oversized and unreadable bodies, control and invisible characters, SQL and
template injection in every parameter, markup in what is echoed back, and
forged keys: each gets a clear 4xx in Open311's error format (or is stored
as the plain text it is), never a 500 and never anything evaluated.
"""

import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ServiceRequest
from tests.backend.open311.test_router import BASE, FORM, post_form, pothole

INJECTIONS = [
    "SR-100231' OR '1'='1",
    "1; DROP TABLE service_request; --",
    "{{7*7}}",
    "${7*7}",
    "<script>alert(1)</script>",
]
# A number with a control or invisible character in it is read as the number without it.
CLEANED = ["SR-100231\x00", "SR-100231\u200b", "\u202eSR-100231"]


def open311_errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body, list) and all({"code", "description"} <= set(error) for error in body), body
    return [error["description"] for error in body]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_query_parameters_is_a_clean_400_or_404(client: TestClient, value: str) -> None:
    for parameter in ("service_request_id", "service_code", "status", "start_date"):
        reply = client.get(f"{BASE}/requests.json", params={parameter: value})
        assert reply.status_code in (400, 404), (parameter, reply.status_code)
        open311_errors(reply)
    reply = client.get(f"{BASE}/requests/{value.replace('/', '')}.json")
    assert reply.status_code in (400, 404)
    reply = client.get(f"{BASE}/services/{value.replace('/', '')}.json")
    assert reply.status_code in (400, 404)


@pytest.mark.parametrize("value", CLEANED)
def test_control_and_invisible_characters_in_a_number_are_dropped(client: TestClient, value: str) -> None:
    reply = client.get(f"{BASE}/requests.json", params={"service_request_id": value})
    assert reply.status_code == 200 and [item["service_request_id"] for item in reply.json()] == ["SR-100231"]


def test_the_database_is_untouched_by_injected_ids(client: TestClient, db: Session) -> None:
    before = db.scalar(select(func.count()).select_from(ServiceRequest))
    for value in INJECTIONS:
        client.get(f"{BASE}/requests.json", params={"service_request_id": value})
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == before


@pytest.mark.parametrize("format", ["xml", "json"])
def test_markup_and_templates_are_stored_and_shown_as_plain_text(client: TestClient, db: Session, format: str) -> None:
    address = "<b>Mill Lane</b> ]]> &amp; {{7*7}} <script>alert(1)</script>"
    filed = post_form(client, format, pothole(address_string=address, description="{{7*7}} ${7*7} <img src=x>"))
    assert filed.status_code == 201, filed.text
    shown = client.get(f"{BASE}/requests.{format}", params={"service_code": "pothole"})
    assert shown.status_code == 200
    if format == "xml":
        # Well-formed XML whose address element holds the literal text, not markup.
        root = ElementTree.fromstring(shown.content)
        addresses = [element.text for element in root.iter("address")]
        assert address in addresses and not list(root.iter("script")) and not list(root.iter("b"))
    else:
        addresses = [item.get("address") for item in shown.json()]
        assert address in addresses
    # Nothing evaluated the templates: the address comes back as it was sent (above), and the
    # description (not published) is stored as it was sent. Ids and times may hold a 49 of their own.
    stored = db.scalars(select(ServiceRequest.description).where(ServiceRequest.location == address)).all()
    assert stored == ["{{7*7}} ${7*7} <img src=x>"]


def test_invalid_utf8_is_refused(client: TestClient) -> None:
    body = urlencode(pothole(description="ok")).encode() + b"&description2=%ff%fe"
    assert "not a valid UTF-8 form" in " ".join(
        open311_errors(client.post(f"{BASE}/requests.json", content=body, headers=FORM))
    )
    raw = urlencode(pothole()).encode().replace(b"Castle", b"C\xffstle")
    assert client.post(f"{BASE}/requests.json", content=raw, headers=FORM).status_code == 400


@pytest.mark.parametrize("text", ["\x00\x01\x02\x03\x04", "\u200b\u200c\u200d\ufeff\u2060", "\u202e\u202d   "])
def test_control_and_invisible_characters_alone_are_no_description(client: TestClient, text: str) -> None:
    errors = open311_errors(post_form(client, "json", pothole(description=text)))
    assert any(error.startswith("description") for error in errors), errors


def test_invisible_characters_are_removed_from_what_is_stored(client: TestClient, db: Session) -> None:
    filed = post_form(client, "json", pothole(description="Deep\u200b hole\x07 by the\u202e drain"))
    assert filed.status_code == 201, filed.text
    number = filed.json()[0]["service_request_id"]
    stored = db.scalar(select(ServiceRequest.description).where(ServiceRequest.request_number == number))
    assert stored is not None and "\u200b" not in stored and "\x07" not in stored and "\u202e" not in stored


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    assert "larger than" in " ".join(open311_errors(post_form(client, "json", pothole(description="x" * 70_000))))
    huge = client.post(f"{BASE}/requests.json", content=b"a=" + b"x" * (5 * 1024 * 1024), headers=FORM)
    assert huge.status_code == 413


@pytest.mark.parametrize("key", ["", "o311_" + "A" * 40, "northbridge-demo-open311-key'--", "\x00"])
def test_forged_keys_are_refused_with_403(client: TestClient, key: str) -> None:
    reply = post_form(client, "json", pothole(api_key=key))
    assert reply.status_code == 403 and "api_key" in open311_errors(reply)[0]


def test_a_json_body_is_refused_with_the_form_it_needs(client: TestClient) -> None:
    reply = client.post(f"{BASE}/requests.json", json=pothole())
    assert "x-www-form-urlencoded" in open311_errors(reply)[0]
