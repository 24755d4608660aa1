"""Contract tests of the GeoReport v2 endpoints under /open311/v2, in XML and JSON, good input and bad."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.models import ServiceRequest
from app.open311.api_keys import DEMO_API_KEY, create_api_key, revoke_api_key
from tests.backend.open311.spark import parse, same_in_both

BASE = "/open311/v2"
FORMATS = ["xml", "json"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
REQUEST_CATEGORIES = {
    "pothole",
    "streetlight",
    "missed_collection",
    "noise",
    "graffiti",
    "dumped_rubbish",
    "water_leak",
}
CONTACT = {
    "email": "ann.kowalski@example.org",
    "first_name": "Ann",
    "last_name": "Kowalski",
    "phone": "07700 900555",
    "device_id": "device-8812",
    "account_id": "acct-4471",
}


def get(client: TestClient, path: str, format: str, **params: Any) -> tuple[int, Any]:
    response = client.get(f"{BASE}/{path}.{format}", params=params)
    return response.status_code, parse(response, format)


FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}


def post_form(client: TestClient, format: str, fields: dict[str, Any] | list[tuple[str, str]]) -> Any:
    """POST as the specification shows: a form-encoded body, UTF-8."""
    return client.post(f"{BASE}/requests.{format}", content=urlencode(fields).encode(), headers=FORM)


def post(client: TestClient, format: str, fields: dict[str, Any] | list[tuple[str, str]]) -> tuple[int, Any]:
    response = post_form(client, format, fields)
    return response.status_code, parse(response, format)


def pothole(**changes: str) -> dict[str, str]:
    fields = {
        "api_key": DEMO_API_KEY,
        "service_code": "pothole",
        "lat": "54.973312",
        "long": "-1.614207",
        "address_string": "Castle Hill outside no. 9",
        "description": "Deep hole by the drain, about a hand deep.",
        "attribute[size]": "large",
        "media_url": "https://photos.example.org/castle-hill.jpg",
        **CONTACT,
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def errors_of(body: Any) -> list[tuple[str, str]]:
    return [(str(error["code"]), error["description"]) for error in body]


# --- discovery, services, service definitions ------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_discovery(client: TestClient, format: str) -> None:
    status, body = get(client, "discovery", format)
    assert status == 200
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "test"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert body["changeset"].endswith("Z")


def test_xml_and_json_carry_the_same_content(client: TestClient, db: Session) -> None:
    for path in ("discovery", "services", "services/pothole", "services/graffiti", "requests/SR-100231"):
        _, as_json = get(client, path, "json")
        _, as_xml = get(client, path, "xml")
        assert same_in_both(as_json, as_xml), path


@pytest.mark.parametrize("format", FORMATS)
def test_service_list_is_the_request_categories(client: TestClient, format: str) -> None:
    status, services = get(client, "services", format)
    assert status == 200
    assert {service["service_code"] for service in services} == REQUEST_CATEGORIES
    by_code = {service["service_code"]: service for service in services}
    assert set(by_code["pothole"]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    truth = {"xml": ("true", "false"), "json": (True, False)}[format]
    assert (by_code["pothole"]["metadata"], by_code["graffiti"]["metadata"]) == truth
    assert (by_code["pothole"]["type"], by_code["noise"]["type"]) == ("realtime", "batch")
    assert by_code["streetlight"]["group"] == "Street Lighting"
    assert "lamppost" in by_code["streetlight"]["keywords"]


@pytest.mark.parametrize("format", FORMATS)
def test_service_definition(client: TestClient, format: str) -> None:
    status, definition = get(client, "services/missed_collection", format)
    assert status == 200
    assert definition["service_code"] == "missed_collection"
    bins, day = definition["attributes"]
    assert set(bins) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    assert (bins["code"], bins["datatype"], str(bins["order"])) == ("bins", "multivaluelist", "1")
    assert [value["key"] for value in bins["values"]] == ["general", "recycling", "garden"]
    assert (day["datatype"], day["values"]) == ("datetime", [])
    _, water = get(client, "services/water_leak", format)
    assert str(water["attributes"][0]["variable"]).lower() == "false"


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("code", ["volcano", "business_licence", "POTHOLE", quote("pothole'--", safe=""), "a" * 60])
def test_unknown_service_code_is_404(client: TestClient, format: str, code: str) -> None:
    status, body = get(client, f"services/{code}", format)
    assert status == 404
    assert errors_of(body) == [("404", "service_code was not found; services.xml lists them.")]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("path", ["discovery", "services", "services/pothole", "requests", "requests/SR-100231"])
def test_jurisdiction(client: TestClient, format: str, path: str) -> None:
    assert get(client, path, format, jurisdiction_id=settings.OPEN311_JURISDICTION_ID)[0] == 200
    assert get(client, path, format, jurisdiction_id="")[0] == 200
    if path != "discovery":
        status, body = get(client, path, format, jurisdiction_id="springfield.gov")
        assert (status, errors_of(body)) == (404, [("404", "jurisdiction_id was not found.")])


# --- POST requests -----------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_filed_request_is_a_back_office_record_without_its_personal_data_on_show(
    client: TestClient, db: Session, auth_headers: dict[str, str], format: str
) -> None:
    status, body = post(client, format, pothole())
    assert status == 201
    (created,) = body
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    number = created["service_request_id"]
    assert created["service_notice"] == "Roads aims to deal with this within 5 working days."

    record = db.scalar(select(ServiceRequest).where(ServiceRequest.request_number == number))
    assert record is not None
    assert (record.channel, record.status, record.department.code) == ("open311", "dispatched", "roads")
    assert (record.latitude, record.longitude, record.location) == (54.973312, -1.614207, "Castle Hill outside no. 9")
    assert record.attributes == {"size": "large"}
    assert (record.contact_email, record.contact_first_name, record.contact_last_name) == (
        "ann.kowalski@example.org",
        "Ann",
        "Kowalski",
    )
    assert (record.contact_phone, record.reporter_device_id, record.reporter_account_id) == (
        "07700 900555",
        "device-8812",
        "acct-4471",
    )
    assert record.description == "Deep hole by the drain, about a hand deep."
    assert record.events[0].actor.startswith("open311 client ")

    # The same record, seen by the assistant and by Open311 clients.
    assistant_view = client.get(f"/api/v1/service-requests/{number}", headers=auth_headers).json()
    assert assistant_view["status"] == "dispatched"
    status, (seen,) = get(client, f"requests/{number}", format)
    assert status == 200
    assert list(seen) == REQUEST_FIELDS
    assert (seen["service_request_id"], seen["status"], seen["service_code"]) == (number, "open", "pothole")
    assert (seen["address"], str(seen["lat"]), str(seen["long"])) == (
        "Castle Hill outside no. 9",
        "54.973312",
        "-1.614207",
    )
    assert seen["agency_responsible"] == "Roads"
    assert seen["status_notes"] == "We passed your report to Roads."
    assert seen["media_url"] == "https://photos.example.org/castle-hill.jpg"
    assert seen["description"] is None
    response_text = client.get(f"{BASE}/requests/{number}.{format}").text
    for private in [*CONTACT.values(), "Deep hole", "Filed through", "Dispatched by category"]:
        assert private not in response_text


@pytest.mark.parametrize("format", FORMATS)
def test_location_by_address_or_address_id_alone(client: TestClient, format: str) -> None:
    by_address = pothole(lat=None, long=None, address_string="Ropewalk by the bakery")  # type: ignore[arg-type]
    assert post(client, format, by_address)[0] == 201
    by_id = pothole(lat=None, long=None, address_string=None, address_id="UPRN:100062145")  # type: ignore[arg-type]
    status, (created,) = post(client, format, by_id)
    assert status == 201
    _, (seen,) = get(client, f"requests/{created['service_request_id']}", format)
    assert (seen["address"], seen["address_id"]) == ("Address UPRN:100062145", "UPRN:100062145")


@pytest.mark.parametrize("format", FORMATS)
def test_batch_service_answers_with_a_token_that_leads_to_the_number(client: TestClient, format: str) -> None:
    status, (created,) = post(
        client,
        format,
        {
            "api_key": DEMO_API_KEY,
            "service_code": "noise",
            "address_string": "Market Square 2",
            "attribute[source]": "business",
            "attribute[nights_per_week]": "3",
        },
    )
    assert status == 201
    assert set(created) == {"token", "service_notice", "account_id"}
    status, (found,) = get(client, f"tokens/{created['token']}", format)
    assert status == 200
    assert found["token"] == created["token"] and found["service_request_id"].startswith("SR-")
    for token in ("unknown-token-123", "short", quote("<x>'; --", safe="")):
        status, body = get(client, f"tokens/{token}", format)
        assert (status, errors_of(body)) == (404, [("404", "token was not found.")])


def test_multivaluelist_and_typed_attributes(client: TestClient, db: Session) -> None:
    fields = [
        ("api_key", DEMO_API_KEY),
        ("service_code", "missed_collection"),
        ("address_string", "Elm Grove 12"),
        ("attribute[bins][]", "general"),
        ("attribute[bins][]", "garden"),
        ("attribute[collection_day]", "2026-03-10T07:00:00+01:00"),
    ]
    status, (created,) = post(client, "json", fields)
    assert status == 201
    record = db.scalar(select(ServiceRequest).where(ServiceRequest.request_number == created["service_request_id"]))
    assert record is not None
    assert record.attributes == {"bins": ["general", "garden"], "collection_day": "2026-03-10T06:00:00Z"}


@pytest.mark.parametrize("format", FORMATS)
def test_api_key_missing_wrong_or_revoked_is_403(client: TestClient, db: Session, format: str) -> None:
    client_record, live_key = create_api_key(session=db, name="FixMyStreet", created_by="admin", now=datetime.now(UTC))
    assert post(client, format, pothole(api_key=live_key))[0] == 201
    revoke_api_key(session=db, client_id=client_record.id, revoked_by="admin", now=datetime.now(UTC))
    cases = {
        "": "api_key was not provided -- can't proceed with create_request.",
        "o311_not-a-real-key": "Invalid api_key received -- can't proceed with create_request.",
        live_key: "Invalid api_key received -- can't proceed with create_request.",
        DEMO_API_KEY.upper(): "Invalid api_key received -- can't proceed with create_request.",
    }
    for key, description in cases.items():
        status, body = post(client, format, pothole(api_key=key))
        assert (status, errors_of(body)) == (403, [("403", description)])
    status, body = post(client, format, {key: value for key, value in pothole().items() if key != "api_key"})
    assert status == 403


def test_demo_key_is_refused_in_production(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ENVIRONMENT", "production")
    status, body = post(client, "xml", pothole())
    assert (status, errors_of(body)) == (
        403,
        [("403", "Invalid api_key received -- can't proceed with create_request.")],
    )


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(
    ("changes", "status_code", "description"),
    [
        ({"service_code": ""}, 400, "service_code was not provided; services.xml lists them."),
        ({"service_code": "volcano"}, 404, "service_code was not found; services.xml lists them."),
        ({"service_code": "business_licence"}, 404, "service_code was not found; services.xml lists them."),
        ({"jurisdiction_id": "springfield.gov"}, 404, "jurisdiction_id was not found."),
        (
            {"lat": "", "long": "", "address_string": ""},
            400,
            "a location is required: lat and long, address_string or address_id",
        ),
        ({"long": "", "address_string": ""}, 400, "lat and long must be sent together"),
        ({"lat": "91"}, 400, "lat: Input should be less than or equal to 90"),
        ({"long": "nan"}, 400, "long: Input should be a finite number"),
        ({"lat": "54,97"}, 400, "lat: Input should be a valid number, unable to parse string as a number"),
        ({"address_string": "!!"}, 400, "address_string: must be at least 3 characters long"),
        ({"address_string": "x" * 301}, 400, "address_string: must be at most 300 characters long"),
        ({"attribute[size]": ""}, 400, "attribute[size]: required for pothole"),
        ({"attribute[size]": "enormous"}, 400, "attribute[size]: choose one of the keys in the service definition"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]: not an attribute of pothole"),
        ({"attribute": "size=large"}, 400, "attributes are sent as attribute[code]=value"),
        ({"email": "not-an-address"}, 400, "email: must be an email address"),
        ({"phone": "call me maybe"}, 400, "phone: String should match pattern '^\\+?[0-9 ()-]{5,31}$'"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url: must be an http or https URL"),
        ({"description": "d" * 4001}, 400, "description: must be at most 4000 characters long"),
        ({"device_id": "x" * 65}, 400, "device_id: String should match pattern '^[A-Za-z0-9_.:@-]{1,64}$'"),
    ],
)
def test_bad_input_gets_the_specification_errors_and_files_nothing(
    client: TestClient, db: Session, format: str, changes: dict[str, str], status_code: int, description: str
) -> None:
    before = db.scalar(select(func.count()).select_from(ServiceRequest))
    status, body = post(client, format, pothole(**changes))
    assert status == status_code
    assert (str(status_code), description) in errors_of(body)
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == before


def test_every_problem_is_reported_at_once(client: TestClient) -> None:
    status, body = post(client, "json", pothole(lat="95", email="nope", **{"attribute[size]": "huge"}))
    assert status == 400
    assert {error["description"].split(":")[0] for error in body} == {"lat", "email", "attribute[size]"}


@pytest.mark.parametrize("format", FORMATS)
def test_malformed_posts_are_400(client: TestClient, format: str) -> None:
    url = f"{BASE}/requests.{format}"
    form = "application/x-www-form-urlencoded"
    cases = [
        (client.post(url, json=pothole()), "Send the request as application/x-www-form-urlencoded."),
        (
            client.post(url, content=b"api_key=%FF%FE&service_code=pothole", headers={"content-type": form}),
            "The request is not a valid UTF-8 form.",
        ),
        (
            client.post(url, content=b"a" * (65 * 1024), headers={"content-type": form}),
            "The request is larger than 64 KiB.",
        ),
        (
            client.post(url, content="&".join(f"f{i}=1" for i in range(300)).encode(), headers={"content-type": form}),
            "The request is not a valid UTF-8 form.",
        ),
        (
            post_form(client, format, [*pothole().items(), ("service_code", "graffiti")]),
            "service_code may be given once",
        ),
    ]
    for response, description in cases:
        assert response.status_code == 400, description
        assert errors_of(parse(response, format)) == [("400", description)]


INJECTIONS = [
    "<script>alert('x')</script>",
    "'; DROP TABLE service_request; --",
    "]]></address><admin>true</admin>",
    "{{7*7}} ${jndi:ldap://x}",
]
FREE_TEXT_FIELDS = ["address_string", "description", "first_name", "last_name"]
STRUCTURED_FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_id",
    "email",
    "phone",
    "device_id",
    "account_id",
    "media_url",
    "jurisdiction_id",
    "api_key",
    "attribute[size]",
]


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("field", FREE_TEXT_FIELDS + STRUCTURED_FIELDS)
def test_injection_attempts_in_every_field(client: TestClient, db: Session, field: str, payload: str) -> None:
    before = db.scalar(select(func.count()).select_from(ServiceRequest))
    response = post_form(client, "xml", pothole(**{field: payload}))
    body = parse(response, "xml")  # well-formed XML whatever came in
    if field in FREE_TEXT_FIELDS:
        # Free text is kept as the reporter wrote it; it is data, never markup or SQL.
        assert response.status_code == 201, body
        number = body[0]["service_request_id"]
        record = db.scalar(select(ServiceRequest).where(ServiceRequest.request_number == number))
        assert record is not None
        stored = {
            "address_string": record.location,
            "description": record.description,
            "first_name": record.contact_first_name,
            "last_name": record.contact_last_name,
        }[field]
        assert stored == payload
        seen = client.get(f"{BASE}/requests/{number}.xml")
        parse(seen, "xml")
        assert "<admin>" not in seen.text and "<script>" not in seen.text
    else:
        assert 400 <= response.status_code < 500
        assert body and all(error["code"] == str(response.status_code) for error in body)
        assert db.scalar(select(func.count()).select_from(ServiceRequest)) == before
        # Rejected input is not echoed back.
        assert payload not in response.text


def test_strange_text_round_trips(client: TestClient) -> None:
    text = "長江路 12号 🚧 by the café\u200b"
    status, (created,) = post(client, "json", pothole(address_string=text, description="坑 🕳️ deep\nsecond line"))
    assert status == 201
    _, (seen,) = get(client, f"requests/{created['service_request_id']}", "xml")
    assert seen["address"] == "長江路 12号 🚧 by the café"


# --- GET requests and GET requests/{id} --------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_search_by_numbers_overrides_the_other_filters(client: TestClient, format: str) -> None:
    status, found = get(
        client,
        "requests",
        format,
        service_request_id="SR-100231,sr100232,SR-900001",
        service_code="graffiti",
        status="closed",
        start_date="2001-01-01T00:00:00Z",
        end_date="2001-01-02T00:00:00Z",
    )
    assert status == 200
    assert sorted(item["service_request_id"] for item in found) == ["SR-100231", "SR-100232"]
    assert {item["service_request_id"]: item["status"] for item in found} == {
        "SR-100231": "open",
        "SR-100232": "closed",
    }
    for item in found:
        assert list(item) == REQUEST_FIELDS


@pytest.mark.parametrize("format", FORMATS)
def test_search_by_category_status_and_dates(client: TestClient, format: str, reference_time: datetime) -> None:
    window = {
        "start_date": (reference_time - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (reference_time + timedelta(hours=1)).isoformat(),
    }
    status, everything = get(client, "requests", format, **window)
    assert status == 200 and len(everything) == 35
    requested = [item["requested_datetime"] for item in everything]
    assert requested == sorted(requested, reverse=True)
    _, closed = get(client, "requests", format, status="closed", **window)
    _, opened = get(client, "requests", format, status="open", **window)
    _, both = get(client, "requests", format, status="open,closed", **window)
    assert {item["status"] for item in closed} == {"closed"} and {item["status"] for item in opened} == {"open"}
    assert len(closed) + len(opened) == len(both) == 35
    _, lights = get(client, "requests", format, service_code="streetlight,water_leak", **window)
    assert lights and {item["service_code"] for item in lights} == {"streetlight", "water_leak"}
    _, narrow = get(client, "requests", format, start_date="2026-03-13T00:00:00Z", end_date="2026-03-13T23:59:59+00:00")
    assert narrow and all(item["requested_datetime"].startswith("2026-03-13") for item in narrow)


def test_default_search_is_the_last_90_days(client: TestClient) -> None:
    status, (created,) = post(client, "json", pothole())
    _, recent = get(client, "requests", "json")
    numbers = {item["service_request_id"] for item in recent}
    assert created["service_request_id"] in numbers
    now = datetime.now(UTC)
    assert all(now - datetime.fromisoformat(item["requested_datetime"]) <= timedelta(days=90) for item in recent)
    _, from_start = get(client, "requests", "json", start_date=(now - timedelta(days=1)).isoformat())
    assert created["service_request_id"] in {item["service_request_id"] for item in from_start}


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(
    ("params", "description"),
    [
        (
            {"start_date": "2026-03-01"},
            "start_date must be a date and time with a time zone, like 2010-01-01T00:00:00Z",
        ),
        (
            {"end_date": "2026-03-01T00:00:00"},
            "end_date must be a date and time with a time zone, like 2010-01-01T00:00:00Z",
        ),
        ({"start_date": "yesterday"}, "start_date must be a date and time with a time zone, like 2010-01-01T00:00:00Z"),
        (
            {"start_date": "2026-03-10T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"},
            "end_date must not be before start_date",
        ),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},
            "start_date and end_date may span at most 90 days",
        ),
        ({"status": "pending"}, "status must be open, closed or both, separated by commas"),
        ({"service_code": "volcano"}, "service_code must list service codes from services.xml."),
        (
            {"service_code": "pothole'; --"},
            "service_code must list service codes from services.xml, separated by commas",
        ),
        (
            {"service_request_id": "100231"},
            "service_request_id must list request numbers like SR-100231, separated by commas",
        ),
        (
            {"service_request_id": ",".join(f"SR-{100000 + i}" for i in range(201))},
            "service_request_id may list at most 200 numbers",
        ),
    ],
)
def test_bad_searches_are_400(client: TestClient, format: str, params: dict[str, str], description: str) -> None:
    status, body = get(client, "requests", format, **params)
    assert (status, errors_of(body)) == (400, [("400", description)])


def test_repeated_dates_are_refused(client: TestClient) -> None:
    response = client.get(f"{BASE}/requests.json?start_date=2026-03-01T00:00:00Z&start_date=2026-03-02T00:00:00Z")
    assert response.status_code == 400


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("number", ["SR-900001", "banana", "SR-1002311", quote("SR-100231' OR '1'='1", safe="")])
def test_unknown_request_is_404(client: TestClient, format: str, number: str) -> None:
    status, body = get(client, f"requests/{number}", format)
    assert (status, errors_of(body)) == (404, [("404", "service_request_id was not found.")])


def test_request_numbers_as_people_type_them(client: TestClient) -> None:
    status, (seen,) = get(client, "requests/sr100231", "json")
    assert status == 200 and seen["service_request_id"] == "SR-100231"


def test_internal_notes_and_escalations_never_show(client: TestClient, db: Session) -> None:
    escalated = db.scalar(select(ServiceRequest).where(ServiceRequest.escalated_at.is_not(None)))
    assert escalated is not None
    for format in FORMATS:
        text = client.get(f"{BASE}/requests/{escalated.request_number}.{format}").text
        assert "Escalated" not in text and "overdue" not in text
        for event in escalated.events:
            if event.internal_note:
                assert event.internal_note not in text
        assert escalated.description not in text


# --- resources and formats that do not exist --------------------------------


@pytest.mark.parametrize(
    ("method", "path", "format"),
    [
        ("GET", "services.csv", "xml"),
        ("GET", "services", "xml"),
        ("GET", "requests/SR-100231.yaml", "xml"),
        ("GET", "cities.json", "json"),
        ("DELETE", "requests/SR-100231.json", "json"),
        ("PUT", "services.xml", "xml"),
    ],
)
def test_unknown_resources_and_formats_are_404_in_the_error_format(
    client: TestClient, method: str, path: str, format: str
) -> None:
    response = client.request(method, f"{BASE}/{path}")
    assert response.status_code == 404
    assert errors_of(parse(response, format))[0][0] == "404"
