"""Citizens who opted in hear about their requests by SMS, through the twilio client, once; time set by the test."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.handoff.models import Handoff
from app.lifecycle.applications import change_application_status
from app.lifecycle.service_requests import accept_work_order, add_progress_note, resolve_work_order
from app.models import Application, ApplicationEvent, CitizenNotification
from app.statuses import ApplicationStatus
from tests.backend.factories import create_application
from tests.backend.handoff_fixtures import handoff_packet
from tests.backend.notifications.conftest import (
    RATING_QUESTION,
    SMS_FROM,
    Assistant,
    file_request,
    notification_settings,
    notifications_of,
    run,
)
from tests.twilio_standin import TwilioStandIn

PHONE = "+447700900123"
MINUTE = timedelta(minutes=1)


def test_dispatch_accept_progress_resolve_each_texted_once(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    assert run(db, start + MINUTE, settings) == {}  # filing and dispatch are not news for the citizen
    assert twilio.messages() == []

    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start + 60 * MINUTE)
    assert run(db, start + 61 * MINUTE, settings) == {"sent": 1}
    (accepted,) = twilio.messages()
    assert (accepted["to"], accepted["from"]) == (PHONE, SMS_FROM)
    assert accepted["body"].startswith(f"Northbridge 12345: your report {number} (Street light not working) - Accepted")
    assert "Reply STOP" in accepted["body"]

    # A note for staff only is never sent; the first work on it is.
    add_progress_note(
        session=db,
        request_number=number,
        actor="Dana Reid",
        now=start + 90 * MINUTE,
        internal_note="Cable fault, ask UKPN",
    )
    resolve_work_order(
        session=db,
        request_number=number,
        resolution="The lamp was replaced and is working again.",
        actor="Dana Reid",
        now=start + 120 * MINUTE,
        internal_note="Replaced with LED unit 4471",
    )
    assert run(db, start + 121 * MINUTE, settings) == {"sent": 2}
    bodies = [message["body"] for message in twilio.messages()]
    assert "Work on your request has started." in bodies[1]
    resolved = bodies[2]
    assert "Resolved. The lamp was replaced and is working again." in resolved
    assert RATING_QUESTION.format(number=number) in resolved  # the assistant's own question: the reply goes to it
    for body in bodies:
        assert "UKPN" not in body and "LED unit" not in body  # internal notes never reach the citizen
    (trigger,) = assistant.triggers
    assert trigger == {
        "conversation_id": "sms-3b6f1c0e9a7d4e2f",
        "output_channel": None,  # the question comes back here and is texted with the update
        "name": "EXTERNAL_request_resolved",
        "entities": {"rated_request": number},
    }

    # Later runs, at any time, send nothing again.
    for later in (122, 180, 60 * 24):
        assert run(db, start + later * MINUTE, settings) == {}
    assert len(twilio.messages()) == 3 and len(assistant.triggers) == 1
    records = notifications_of(db, number)
    assert [n.status for n in records] == ["sent", "sent", "sent"]
    assert [n.provider_reference for n in records] == [m["sid"] for m in twilio.messages()]
    assert [n.asks_for_rating for n in records] == [False, False, True]


def test_nothing_goes_to_citizens_who_did_not_opt_in(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    number = file_request(client, auth_headers, wants_updates=False)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    resolve_work_order(session=db, request_number=number, resolution="The lamp was fixed.", actor="Dana", now=start)
    run(db, start + MINUTE, settings)
    assert notifications_of(db, number) == []
    assert twilio.messages() == [] and assistant.triggers == []


def test_a_number_that_texted_stop_gets_nothing_until_start(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)

    def consent(opted_out: bool, keyword: str) -> None:
        body = {"phone": PHONE, "opted_out": opted_out, "keyword": keyword}
        assert client.post("/api/v1/sms-consents", json=body, headers=auth_headers).status_code == 200

    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    consent(True, "STOP")  # as the SMS channel records it
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    assert run(db, start + MINUTE, settings) == {"skipped_opted_out": 1}
    assert notifications_of(db, number)[0].last_error == "sms_consent"
    assert twilio.messages() == []
    consent(False, "START")
    resolve_work_order(session=db, request_number=number, resolution="The lamp was replaced.", actor="Dana", now=start)
    assert run(db, start + 2 * MINUTE, settings) == {"sent": 1}
    assert [m["to"] for m in twilio.messages()] == [PHONE]
    assert "Resolved" in twilio.messages()[0]["body"]


def test_a_number_that_opted_out_with_twilio_gets_nothing_more(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    twilio.refuse_next(400, 21610)  # Twilio: "Attempt to send to unsubscribed recipient" (it replied STOP)
    assert run(db, start + MINUTE, settings) == {"skipped_opted_out": 1}
    (record,) = notifications_of(db, number)
    assert (record.status, record.last_error) == ("skipped_opted_out", "twilio_21610")
    for later in (10, 100, 1000):
        assert run(db, start + later * MINUTE, settings) == {}
    assert twilio.messages() == []


def test_a_failure_that_sent_nothing_is_tried_again_later_and_sent_once(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    twilio.refuse_next(503, 20500)  # Twilio's own trouble: it did not send
    assert run(db, start + MINUTE, notification_settings(twilio)) == {"failed": 1}
    (record,) = notifications_of(db, number)
    assert (record.status, record.attempts, record.last_error) == ("failed", 1, "twilio_20500")
    assert record.next_attempt_at == start + 2 * MINUTE
    # Twilio unreachable: still nothing sent, a longer wait.
    unreachable = notification_settings(twilio, TWILIO_API_BASE_URL="http://127.0.0.1:9")
    assert run(db, start + 90 * timedelta(seconds=1), unreachable) == {}  # not due yet
    assert run(db, start + 2 * MINUTE, unreachable) == {"failed": 1}
    db.refresh(record)
    assert (record.attempts, record.last_error, record.next_attempt_at) == (2, "unreachable", start + 7 * MINUTE)
    assert run(db, start + 7 * MINUTE, notification_settings(twilio)) == {"sent": 1}
    assert run(db, start + 60 * MINUTE, notification_settings(twilio)) == {}
    assert len(twilio.messages()) == 1


def test_after_the_last_attempt_it_is_undeliverable(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    twilio.refuse_next(429, 20429, count=3)
    settings = notification_settings(twilio)  # three attempts
    for minutes in (1, 2, 7):
        run(db, start + minutes * MINUTE, settings)
    (record,) = notifications_of(db, number)
    assert (record.status, record.attempts, record.next_attempt_at) == ("undeliverable", 3, None)
    assert run(db, start + 600 * MINUTE, settings) == {}
    assert twilio.messages() == []


def test_a_lost_answer_is_never_sent_again(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    twilio.drop_next()  # the request reached "Twilio", the answer never came back
    assert run(db, start + MINUTE, settings) == {"sending": 1}
    (record,) = notifications_of(db, number)
    assert (record.status, record.last_error) == ("sending", "no_answer")
    for later in (10, 100, 1000):
        assert run(db, start + later * MINUTE, settings) == {}


def test_a_wrong_number_is_undeliverable_at_once(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    number = file_request(client, auth_headers, contact_phone="12345")
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    assert run(db, start + MINUTE, notification_settings(twilio)) == {"undeliverable": 1}
    assert notifications_of(db, number)[0].last_error == "no_valid_number"
    assert twilio.messages() == []


def test_without_a_twilio_account_texts_wait_then_expire(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    assert run(db, start + MINUTE, notification_settings(None)) == {}
    assert notifications_of(db, number)[0].status == "pending"
    assert run(db, start + 73 * 60 * MINUTE, notification_settings(twilio)) == {"expired": 1}
    assert run(db, start + 74 * 60 * MINUTE, notification_settings(twilio)) == {}
    assert twilio.messages() == []


def test_old_steps_seen_for_the_first_time_are_not_sent(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    run(db, start + 4 * 24 * 60 * MINUTE, notification_settings(twilio))  # a back office that was down for days
    assert notifications_of(db, number)[0].status == "expired"
    assert twilio.messages() == []


def test_the_rating_question_waits_while_an_agent_has_the_conversation(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant, live
) -> None:
    settings = notification_settings(twilio)
    conversation = "sms-handed-off-0a1b2c3d"
    number = file_request(client, auth_headers, conversation_id=conversation)
    queued = client.post(
        "/api/v1/handoffs", json=handoff_packet(conversation_id=conversation, channel="sms"), headers=auth_headers
    )
    assert queued.status_code == 201
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    resolve_work_order(session=db, request_number=number, resolution="The lamp was replaced.", actor="Dana", now=start)
    # The acceptance goes at once; the resolution waits with its survey until the agent is done.
    assert run(db, start + MINUTE, settings) == {"sent": 1, "pending": 1}
    assert assistant.triggers == []
    handoff = db.scalar(select(Handoff).where(Handoff.conversation_id == conversation))
    handoff.status, handoff.ended_at = "closed", start + 2 * MINUTE
    db.commit()
    assert run(db, start + 3 * MINUTE, settings) == {"sent": 1}
    assert RATING_QUESTION.format(number=number) in twilio.messages()[-1]["body"]
    assert len(assistant.triggers) == 1


def test_when_the_assistant_is_away_the_resolution_waits_for_its_question(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    number = file_request(client, auth_headers)
    start = datetime.now(UTC)
    accept_work_order(session=db, request_number=number, actor="Dana Reid", now=start)
    resolve_work_order(session=db, request_number=number, resolution="The lamp was replaced.", actor="Dana", now=start)
    assistant.away = True
    assert run(db, start + MINUTE, settings) == {"sent": 1, "pending": 1}
    assert notifications_of(db, number)[1].last_error == "assistant_unavailable"
    assistant.away = False
    assert run(db, start + 3 * MINUTE, settings) == {"sent": 1}
    assert len(twilio.messages()) == 2


def test_applicants_who_asked_are_texted_about_their_application(
    client: TestClient, db: Session, auth_headers: dict[str, str], twilio: TwilioStandIn, assistant: Assistant
) -> None:
    settings = notification_settings(twilio)
    opted_in = create_application(db, statuses=[ApplicationStatus.SUBMITTED])
    opted_in.citizen.phone = "07700 900456"
    silent = create_application(db, statuses=[ApplicationStatus.SUBMITTED])
    silent.citizen.phone = "07700 900789"
    db.commit()
    # The caseworkers' system records the answer to "text me about progress" on the form.
    chosen = client.put(
        f"/api/v1/applications/{opted_in.application_number}/updates",
        json={"wants_updates": True, "actor": "Caseworker Lee"},
        headers=auth_headers,
    )
    assert chosen.json() == {
        "application_number": opted_in.application_number,
        "wants_updates": True,
        "phone_on_record": True,
    }
    start = datetime.now(UTC)
    for application in (opted_in, silent):
        changed = client.post(
            f"/api/v1/applications/{application.application_number}/status-changes",
            json={"to_status": "under_review", "actor": "Caseworker Lee", "internal_note": "Priority case"},
            headers=auth_headers,
        )
        assert changed.status_code == 200, changed.text
    assert run(db, start + 2 * MINUTE, settings) == {"sent": 1}
    (message,) = twilio.messages()
    assert message["to"] == "+447700900456"
    assert f"your application {opted_in.application_number}" in message["body"]
    assert "Under review. A caseworker started reviewing your application." in message["body"]
    assert "Priority" not in message["body"] and "Test Person" not in message["body"]
    assert run(db, start + 3 * MINUTE, settings) == {}
    assert assistant.triggers == []  # applications are not surveyed


def test_the_updates_choice_needs_a_known_application_and_a_clear_answer(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    url = "/api/v1/applications/{}/updates"
    body = {"wants_updates": True, "actor": "Caseworker Lee"}
    assert client.put(url.format("APP-999999"), json=body, headers=auth_headers).status_code == 404
    assert client.put(url.format("not-a-number"), json=body, headers=auth_headers).status_code == 404
    assert (
        client.put(url.format("APP-204817"), json={**body, "wants_updates": "maybe"}, headers=auth_headers).status_code
        == 422
    )
    assert client.put(url.format("APP-204817"), json={"wants_updates": True}, headers=auth_headers).status_code == 422
    assert client.put(url.format("APP-204817"), json=body).status_code == 401
    turned_off = client.put(url.format("APP-204817"), json={**body, "wants_updates": False}, headers=auth_headers)
    assert turned_off.json()["wants_updates"] is False


def test_an_applicant_without_a_phone_is_recorded_undeliverable(db: Session, twilio: TwilioStandIn) -> None:
    application = create_application(db, statuses=[ApplicationStatus.SUBMITTED])
    application.wants_updates = True
    db.commit()
    start = datetime.now(UTC)
    change_application_status(
        session=db,
        application_number=application.application_number,
        to_status=ApplicationStatus.UNDER_REVIEW,
        actor="Caseworker Lee",
        now=start,
    )
    run(db, start + MINUTE, notification_settings(twilio))
    record = db.scalar(
        select(CitizenNotification)
        .join(ApplicationEvent, ApplicationEvent.id == CitizenNotification.application_event_id)
        .join(Application)
        .where(Application.id == application.id)
    )
    assert (record.status, record.last_error) == ("undeliverable", "no_contact")
    assert twilio.messages() == []
