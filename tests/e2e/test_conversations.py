"""Whole conversations with the real assistant over Rasa's REST channel, answered from the back office."""

import re

import httpx
import pytest

from tests.e2e.hotline_process import Conversation, Hotline

pytestmark = pytest.mark.e2e


def backend_get(hotline: Hotline, path: str) -> httpx.Response:
    return httpx.get(f"{hotline.backend_url}{path}",
                     headers={"Authorization": f"Bearer {hotline.service_token}"}, timeout=10)


def backend_status_lookup(hotline: Hotline, number: str, **proof: str) -> dict:
    reply = httpx.post(f"{hotline.backend_url}/api/v1/applications/status-lookup",
                       json={"application_number": number, **proof},
                       headers={"Authorization": f"Bearer {hotline.service_token}"}, timeout=10)
    reply.raise_for_status()
    return reply.json()


def test_every_process_reports_health(hotline: Hotline) -> None:
    assert httpx.get(f"{hotline.backend_url}/health").json()["status"] == "ok"
    assert httpx.get(f"{hotline.actions_url}/health").json()["status"] == "ok"
    assert httpx.get(f"{hotline.rasa_url}/health").json()["status"] == "ok"
    assert httpx.get(f"{hotline.rasa_url}/webhooks/rest/").json()["status"] == "ok"


def test_rasa_http_api_requires_the_configured_token(hotline: Hotline) -> None:
    parse = f"{hotline.rasa_url}/model/parse"
    assert httpx.post(parse, json={"text": "hello"}).status_code == 401
    assert httpx.post(parse, params={"token": "guess"}, json={"text": "hello"}).status_code == 401
    understood = httpx.post(parse, params={"token": hotline.rasa_token}, json={"text": "hello"})
    assert understood.json()["intent"]["name"] == "greet"
    tracker = httpx.get(f"{hotline.rasa_url}/conversations/someone/tracker")
    assert tracker.status_code == 401


def test_application_status_after_verification_by_date_of_birth(hotline: Hotline) -> None:
    expected = backend_status_lookup(hotline, "APP-204817", date_of_birth="1985-03-14")
    citizen = Conversation(hotline.rasa_url)

    asked_number = citizen.say_text("hi, where is my business licence application at?")
    assert "application number" in asked_number.lower()
    asked_proof = citizen.say_text("APP-204817")
    assert "date of birth" in asked_proof.lower()
    status = citizen.say_text("14 March 1985")

    assert "APP-204817" in status
    assert expected["status_text"] in status
    assert expected["next_step"] in status


def test_application_number_given_up_front_and_pin_as_proof(hotline: Hotline) -> None:
    expected = backend_status_lookup(hotline, "APP-318402", pin="731055")
    citizen = Conversation(hotline.rasa_url)

    asked_proof = citizen.say_text("what's the status of application app 318402")
    assert "date of birth" in asked_proof.lower()
    status = citizen.say_text("731055")

    assert expected["status_text"] in status


def test_failed_verification_says_the_same_for_a_wrong_answer_and_an_unknown_number(
        hotline: Hotline) -> None:
    wrong_answer = Conversation(hotline.rasa_url)
    wrong_answer.say_text("I want to check my application status")
    wrong_answer.say_text("APP-204817")
    refused_wrong_answer = wrong_answer.say_text("01/01/1999")

    unknown_number = Conversation(hotline.rasa_url)
    unknown_number.say_text("I want to check my application status")
    unknown_number.say_text("APP-999999")
    refused_unknown_number = unknown_number.say_text("01/01/1999")

    assert refused_wrong_answer == refused_unknown_number
    expected = backend_status_lookup(hotline, "APP-204817", date_of_birth="1985-03-14")
    for refusal in (refused_wrong_answer, refused_unknown_number):
        assert expected["status_text"] not in refusal
        assert "1985" not in refusal


def test_filing_a_pothole_report_then_asking_its_status(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)

    citizen.say_text("I need to report a pothole")
    asked_description = citizen.say_text("Corner of Elm Road and Station Street")
    assert asked_description
    summary = citizen.say_text("Deep hole in the left lane, cars swerving around it")
    assert "Elm Road" in summary
    filed = citizen.say_text("yes")

    numbers = re.findall(r"SR-\d{6}", filed)
    assert numbers, filed
    record = backend_get(hotline, f"/api/v1/service-requests/{numbers[0]}").json()
    assert record["category"] == "pothole"

    later = Conversation(hotline.rasa_url)
    later.say_text("what is the status of my report?")
    status = later.say_text(numbers[0])
    assert numbers[0] in status
    assert record["status_text"] in status


def test_opening_hours_come_from_the_knowledge_base(hotline: Hotline) -> None:
    answer = Conversation(hotline.rasa_url).say_text("when is the citizen service centre open?")
    assert re.search(r"\d{1,2}[:.]\d{2}", answer), answer


def test_out_of_scope_is_answered_honestly_and_then_offers_a_person(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    first = citizen.say_text("what will the weather be like tomorrow?")
    assert first
    assert "agent" not in first.lower()
    second = citizen.say_text("tell me a joke about cats")
    assert re.search(r"agent|person|someone|staff", second, re.IGNORECASE), second
    accepted = citizen.say_text("yes please")
    assert re.search(r"HO-\d{6}", accepted), accepted


def test_guessing_in_one_conversation_is_stopped(hotline: Hotline) -> None:
    guesser = Conversation(hotline.rasa_url)
    refusals = []
    for year in range(1990, 1995):
        guesser.say_text("I want to check my application status")
        guesser.say_text("APP-550193")
        refusals.append(guesser.say_text(f"01/01/{year}"))
    assert len(set(refusals)) == 1 and "1978" not in refusals[0]
    guesser.say_text("I want to check my application status")
    guesser.say_text("APP-550193")
    stopped = guesser.say_text("30/06/1978")  # even the right answer, now
    assert "try again in 15 minutes" in stopped.lower(), stopped
    assert "awaiting" not in stopped.lower() and "documents" not in stopped.lower()
