"""Tests of the application routes: status lookups by applicants, status changes by caseworkers."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import crud
from app.core.security import verify_pin
from app.statuses import APPLICATION_NEXT_STEP, APPLICATION_STATUS_TEXT, ApplicationStatus
from tests.backend.factories import create_application

URL = "/api/v1/applications/status-lookup"
NOT_FOUND = {"detail": "No application matches those details."}
RESPONSE_FIELDS = {
    "application_number",
    "application_type",
    "application_type_name",
    "status",
    "status_text",
    "last_step",
    "last_step_at",
    "next_step",
}
# The fixed demo records of docs/conversation-design.md.
DEMO_APPLICATIONS = [
    ("APP-204817", "business_licence", "under_review", "1985-03-14", "482913"),
    ("APP-318402", "residence_permit", "approved", "1990-11-02", "731055"),
    ("APP-550193", "building_permit", "awaiting_documents", "1978-06-30", "264880"),
    ("APP-472036", "housing_benefit", "rejected", "1962-01-19", "905317"),
]


@pytest.mark.parametrize(("number", "service", "status", "born", "pin"), DEMO_APPLICATIONS)
@pytest.mark.parametrize("proof", ["date_of_birth", "pin"])
def test_demo_application_found_with_either_proof(
    client: TestClient,
    auth_headers: dict[str, str],
    number: str,
    service: str,
    status: str,
    born: str,
    pin: str,
    proof: str,
) -> None:
    body = {"application_number": number, proof: born if proof == "date_of_birth" else pin}
    response = client.post(URL, json=body, headers=auth_headers)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == RESPONSE_FIELDS
    assert data["application_number"] == number
    assert data["application_type"] == service
    assert data["status"] == status
    assert data["status_text"] == APPLICATION_STATUS_TEXT[ApplicationStatus(status)]
    assert data["next_step"] == APPLICATION_NEXT_STEP[ApplicationStatus(status)]


@pytest.mark.parametrize("typed", ["APP-204817", "app 204817", "APP204817", "app-204817", "  App-204817 "])
def test_number_accepted_as_citizens_type_it(client: TestClient, auth_headers: dict[str, str], typed: str) -> None:
    response = client.post(URL, json={"application_number": typed, "pin": "482913"}, headers=auth_headers)
    assert response.status_code == 200
    assert response.json()["application_number"] == "APP-204817"


@pytest.mark.parametrize(
    "body",
    [
        {"application_number": "APP-204817", "date_of_birth": "1985-03-15"},
        {"application_number": "APP-204817", "pin": "482914"},
        {"application_number": "APP-204817", "pin": "731055"},  # another applicant's PIN
        {"application_number": "APP-999999", "date_of_birth": "1985-03-14"},
        {"application_number": "APP-904817", "pin": "482913"},
    ],
    ids=["wrong-dob", "wrong-pin", "other-pin", "unknown-number-dob", "unknown-number-pin"],
)
def test_wrong_proof_and_unknown_number_look_the_same(
    client: TestClient, auth_headers: dict[str, str], body: dict[str, str]
) -> None:
    response = client.post(URL, json=body, headers=auth_headers)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("number", ["APP-204817", "APP-900001"], ids=["known", "unknown"])
def test_pin_check_hashes_once_whether_or_not_the_number_exists(
    client: TestClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch, number: str
) -> None:
    calls: list[str] = []

    def counting_verify(pin: str, pin_hash: str) -> bool:
        calls.append(pin_hash)
        return verify_pin(pin, pin_hash)

    monkeypatch.setattr(crud, "verify_pin", counting_verify)
    response = client.post(URL, json={"application_number": number, "pin": "000000"}, headers=auth_headers)
    assert response.status_code == 404
    assert len(calls) == 1
    assert calls[0].startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize(
    "body",
    [
        {"application_number": "APP-204817"},
        {"application_number": "APP-204817", "date_of_birth": "1985-03-14", "pin": "482913"},
        {"application_number": "APP-20481", "pin": "482913"},
        {"application_number": "SR-100231", "pin": "482913"},
        {"application_number": "APP-204817" + "7" * 40, "pin": "482913"},
        {"application_number": "APP-204817", "pin": "48291"},
        {"application_number": "APP-204817", "pin": "48291a"},
        {"application_number": "APP-204817", "date_of_birth": "14/03/1985"},
        {"application_number": "APP-204817", "date_of_birth": "1985-02-30"},
        {"application_number": "APP-204817", "pin": "482913", "name": "Amira"},
        {"pin": "482913"},
    ],
    ids=[
        "no-proof",
        "two-proofs",
        "short-number",
        "request-number",
        "too-long",
        "short-pin",
        "letter-pin",
        "non-iso-date",
        "impossible-date",
        "extra-field",
        "no-number",
    ],
)
def test_bad_input_is_a_422_that_does_not_echo_it(
    client: TestClient, auth_headers: dict[str, str], body: dict[str, str]
) -> None:
    response = client.post(URL, json=body, headers=auth_headers)
    assert response.status_code == 422
    for item in response.json()["detail"]:
        assert set(item) == {"loc", "msg", "type"}
    for value in ("482913", "1985-03-14", "14/03/1985", "48291a"):
        if value in body.values():
            assert value not in response.text


@pytest.mark.parametrize("status", list(ApplicationStatus))
def test_every_status_has_texts_and_the_latest_step(
    client: TestClient, db: Session, auth_headers: dict[str, str], status: ApplicationStatus
) -> None:
    history = (
        [ApplicationStatus.SUBMITTED]
        if status == ApplicationStatus.SUBMITTED
        else [ApplicationStatus.SUBMITTED, status]
    )
    application = create_application(db, statuses=history, pin="555111")
    response = client.post(
        URL, json={"application_number": application.application_number, "pin": "555111"}, headers=auth_headers
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == status.value
    assert data["status_text"] == APPLICATION_STATUS_TEXT[status]
    assert data["next_step"] == APPLICATION_NEXT_STEP[status]
    assert data["last_step"] == f"Step {len(history) - 1}: {status.value}"
    assert "internal only" not in response.text


def test_date_of_birth_proof_for_a_new_application(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    application = create_application(db, date_of_birth=__import__("datetime").date(2001, 12, 31))
    number = application.application_number
    ok = client.post(URL, json={"application_number": number, "date_of_birth": "2001-12-31"}, headers=auth_headers)
    wrong = client.post(URL, json={"application_number": number, "date_of_birth": "2001-12-30"}, headers=auth_headers)
    assert ok.status_code == 200
    assert wrong.status_code == 404
    assert wrong.json() == NOT_FOUND


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic ZGV2OnRva2Vu"}, {"Authorization": "Bearer"}],
    ids=["missing", "wrong", "basic", "empty"],
)
def test_service_token_required(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(URL, json={"application_number": "APP-204817", "pin": "482913"}, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Missing or invalid service token."}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_caseworker_moves_an_application_on_and_the_applicant_sees_it(
    client: TestClient, db: Session, auth_headers: dict[str, str]
) -> None:
    application = create_application(db, statuses=[ApplicationStatus.SUBMITTED], pin="246810")
    url = f"/api/v1/applications/{application.application_number.lower()}/status-changes"
    change = {
        "to_status": "awaiting_documents",
        "actor": "R. Okafor",
        "reason": "No proof of address.",
        "internal_note": "Checked the register: address not listed.",
        "citizen_message": "We asked you for proof of your address.",
    }
    assert client.post(url, json=change, headers=auth_headers).status_code == 409  # not reviewed yet
    review = client.post(url, json={"to_status": "under_review", "actor": "R. Okafor"}, headers=auth_headers)
    assert review.status_code == 200
    response = client.post(url, json=change, headers=auth_headers)
    assert response.status_code == 200
    assert response.json() == {
        "application_number": application.application_number,
        "status": "awaiting_documents",
        "status_text": "Waiting for documents from you",
        "last_step": "We asked you for proof of your address.",
        "last_step_at": response.json()["last_step_at"],
        "next_step": APPLICATION_NEXT_STEP[ApplicationStatus.AWAITING_DOCUMENTS],
    }
    lookup = client.post(
        "/api/v1/applications/status-lookup",
        json={"application_number": application.application_number, "pin": "246810"},
        headers=auth_headers,
    ).json()
    assert lookup["last_step"] == "We asked you for proof of your address."
    assert "Checked the register" not in str(lookup) and "No proof of address" not in str(lookup)


@pytest.mark.parametrize(
    ("number", "body", "status_code"),
    [
        ("APP-900001", {"to_status": "under_review", "actor": "R. Okafor"}, 404),
        ("not-a-number", {"to_status": "under_review", "actor": "R. Okafor"}, 404),
        (None, {"to_status": "rejected", "actor": "R. Okafor"}, 422),
        (None, {"to_status": "lost", "actor": "R. Okafor"}, 422),
        (None, {"to_status": "under_review", "actor": "R. Okafor", "date_of_birth": "1970-01-01"}, 422),
        (None, {"to_status": "issued", "actor": "R. Okafor"}, 409),
    ],
)
def test_refused_status_changes(
    client: TestClient,
    db: Session,
    auth_headers: dict[str, str],
    number: str | None,
    body: dict[str, str],
    status_code: int,
) -> None:
    application = create_application(db, statuses=[ApplicationStatus.SUBMITTED])
    url = f"/api/v1/applications/{number or application.application_number}/status-changes"
    assert client.post(url, json=body, headers=auth_headers).status_code == status_code
    assert client.post(url, json=body).status_code == 401


# --- the applicant's phone as proof (SMS channel) -----------------------------

# The phones the demo data gives the fixed applicants (docs/conversation-design.md).
DEMO_PHONES = {"APP-204817": "+447700900010", "APP-318402": "+447700900446"}


@pytest.mark.parametrize(("number", "phone"), sorted(DEMO_PHONES.items()))
def test_demo_applicant_phone_is_a_proof(
    client: TestClient, auth_headers: dict[str, str], number: str, phone: str
) -> None:
    response = client.post(URL, json={"application_number": number, "phone": phone}, headers=auth_headers)
    assert response.status_code == 200
    assert response.json()["application_number"] == number


@pytest.mark.parametrize("on_record", ["07700 900321", "+44 7700 900321", "+447700900321", "(07700) 900-321"], ids=str)
def test_phone_on_record_in_any_written_form_matches_its_e164(
    client: TestClient, db: Session, auth_headers: dict[str, str], on_record: str
) -> None:
    number = create_application(db, phone=on_record).application_number
    response = client.post(URL, json={"application_number": number, "phone": "+447700900321"}, headers=auth_headers)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("number", "phone"),
    [
        ("APP-204817", "+447700900446"),  # another applicant's phone
        ("APP-204817", "+4477009000100"),  # one digit more
        ("APP-999999", "+447700900010"),  # unknown number, a real applicant's phone
    ],
    ids=["other-applicant", "longer", "unknown-number"],
)
def test_wrong_phone_and_unknown_number_look_the_same(
    client: TestClient, auth_headers: dict[str, str], number: str, phone: str
) -> None:
    response = client.post(URL, json={"application_number": number, "phone": phone}, headers=auth_headers)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("on_record", [None, "", "not a number", "12"], ids=["none", "empty", "words", "short"])
def test_applicant_without_a_readable_phone_never_matches(
    client: TestClient, db: Session, auth_headers: dict[str, str], on_record: str | None
) -> None:
    number = create_application(db, phone=on_record).application_number
    for phone in ("+447700900321", "+4412"):
        response = client.post(URL, json={"application_number": number, "phone": phone}, headers=auth_headers)
        assert response.status_code in (404, 422)
        assert response.status_code == 404 or phone == "+4412"


@pytest.mark.parametrize(
    "phone",
    ["07700900010", "447700900010", "+44 7700 900010", "+0447700900010", "+447700900010\u200b", "+٤٤٧٧٠٠٩٠٠٠١٠"],
)
def test_phone_proof_must_be_e164(client: TestClient, auth_headers: dict[str, str], phone: str) -> None:
    response = client.post(URL, json={"application_number": "APP-204817", "phone": phone}, headers=auth_headers)
    assert response.status_code == 422
    assert phone not in response.text


def test_phone_with_another_proof_is_two_proofs(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = {"application_number": "APP-204817", "phone": "+447700900010", "pin": "482913"}
    assert client.post(URL, json=body, headers=auth_headers).status_code == 422
