"""Tests of /api/v1/sms-consents: the record of STOP and START that every sender of texts checks."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app import crud
from app.models import SmsConsent
from app.schemas import SmsConsentUpdate

URL = "/api/v1/sms-consents"
PHONE = "+447700900555"


def test_a_number_never_heard_from_may_be_texted(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post(f"{URL}/lookup", json={"phone": PHONE}, headers=auth_headers)
    assert response.status_code == 200
    assert response.json() == {"phone": PHONE, "opted_out": False, "keyword": None, "updated_at": None}


def test_stop_then_start(client: TestClient, auth_headers: dict[str, str]) -> None:
    stopped = client.post(URL, json={"phone": PHONE, "opted_out": True, "keyword": "STOP"}, headers=auth_headers)
    assert stopped.status_code == 200
    assert stopped.json()["opted_out"] is True
    lookup = client.post(f"{URL}/lookup", json={"phone": PHONE}, headers=auth_headers).json()
    assert (lookup["opted_out"], lookup["keyword"]) == (True, "STOP")
    assert lookup["updated_at"] is not None

    client.post(URL, json={"phone": PHONE, "opted_out": False, "keyword": "START"}, headers=auth_headers)
    lookup = client.post(f"{URL}/lookup", json={"phone": PHONE}, headers=auth_headers).json()
    assert (lookup["opted_out"], lookup["keyword"]) == (False, "START")


def test_one_record_per_number(client: TestClient, db: Session, auth_headers: dict[str, str]) -> None:
    for keyword in ("STOP", "UNSUBSCRIBE", "STOP"):
        client.post(URL, json={"phone": PHONE, "opted_out": True, "keyword": keyword}, headers=auth_headers)
    assert db.scalar(select(func.count()).select_from(SmsConsent).where(SmsConsent.phone == PHONE)) == 1


def test_other_numbers_are_not_affected(client: TestClient, auth_headers: dict[str, str]) -> None:
    client.post(URL, json={"phone": PHONE, "opted_out": True, "keyword": "STOP"}, headers=auth_headers)
    other = client.post(f"{URL}/lookup", json={"phone": "+447700900556"}, headers=auth_headers).json()
    assert other["opted_out"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "07700900555", "opted_out": True, "keyword": "STOP"},
        {"phone": "+44 7700 900555", "opted_out": True, "keyword": "STOP"},
        {"phone": PHONE + "1" * 10, "opted_out": True, "keyword": "STOP"},
        {"phone": PHONE, "opted_out": "maybe", "keyword": "STOP"},
        {"phone": PHONE, "opted_out": True, "keyword": "stop please"},
        {"phone": PHONE, "opted_out": True, "keyword": "🛑"},
        {"phone": PHONE, "opted_out": True},
        {"phone": PHONE, "opted_out": True, "keyword": "STOP", "name": "Amira"},
    ],
    ids=["national", "spaces", "too-long", "not-bool", "sentence", "emoji", "no-keyword", "extra-field"],
)
def test_bad_updates_are_422_and_store_nothing(
    client: TestClient, db: Session, auth_headers: dict[str, str], body: dict
) -> None:
    response = client.post(URL, json=body, headers=auth_headers)
    assert response.status_code == 422
    assert db.scalar(select(func.count()).select_from(SmsConsent)) == 0


@pytest.mark.parametrize("path", ["", "/lookup"])
def test_service_token_required(client: TestClient, path: str) -> None:
    body = {"phone": PHONE, "opted_out": True, "keyword": "STOP"} if not path else {"phone": PHONE}
    response = client.post(f"{URL}{path}", json=body, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_simultaneous_keywords_from_one_number_leave_one_record(engine: Engine) -> None:
    # Real commits on the session's database (not the rolled-back test transaction), from two threads.
    phone = "+447700900" + str(threading.get_ident() % 1000).zfill(3)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def send(keyword: str) -> None:
        try:
            with Session(engine) as session:
                start.wait()
                crud.record_sms_consent(
                    session=session, consent_in=SmsConsentUpdate(phone=phone, opted_out=True, keyword=keyword)
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(keyword,)) for keyword in ("STOP", "QUIT")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with Session(engine) as session:
            rows = session.scalars(select(SmsConsent).where(SmsConsent.phone == phone)).all()
            assert len(rows) == 1
            assert rows[0].opted_out is True
    finally:
        with Session(engine) as session:
            for row in session.scalars(select(SmsConsent).where(SmsConsent.phone == phone)):
                session.delete(row)
            session.commit()
