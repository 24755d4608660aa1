"""actions/application_status.py: form validation and the verified status check."""

import time

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.application_status import ActionCheckApplicationStatus, ValidateApplicationStatusForm
from tests.actions.conftest import responses
from tests.actions.conversation_events import citizen_answers_form, user

CLEARED = [SlotSet("identity_proof", None), SlotSet("application_number", None)]


def answer(text, candidates, entities=()):
    return citizen_answers_form(
        text,
        "inform",
        form="application_status_form",
        requested_slot="identity_proof",
        candidates=candidates,
        entities=entities,
    )


@pytest.mark.asyncio
async def test_identity_proof_is_stored_normalised(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        "application_status_asking_proof", *answer("14 March 1985", {"identity_proof": "14 March 1985"})
    )
    events = await ValidateApplicationStatusForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("identity_proof", "dob:1985-03-14")]
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_unreadable_proof_is_asked_again(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        "application_status_asking_proof", *answer("I don't know", {"identity_proof": "I don't know"})
    )
    events = await ValidateApplicationStatusForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("identity_proof", None)]
    assert responses(dispatcher) == ["utter_invalid_identity_proof"]


@pytest.mark.asyncio
async def test_application_number_is_normalised_and_not_checked_for_existence(tracker_from, dispatcher, domain):
    turn = citizen_answers_form(
        "app 900001",
        "inform",
        form="application_status_form",
        requested_slot="application_number",
        candidates={"application_number": "app 900001"},
    )
    events = await ValidateApplicationStatusForm().run(
        dispatcher, tracker_from("application_status_asking_proof", *turn), domain
    )
    assert events == [SlotSet("application_number", "APP-900001")]
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_bad_application_number_is_asked_again(tracker_from, dispatcher, domain):
    turn = citizen_answers_form(
        "12345",
        "inform",
        form="application_status_form",
        requested_slot="application_number",
        candidates={"application_number": "12345"},
    )
    events = await ValidateApplicationStatusForm().run(
        dispatcher, tracker_from("application_status_asking_proof", *turn), domain
    )
    assert events == [SlotSet("application_number", None)]
    assert responses(dispatcher) == ["utter_invalid_application_number"]


@pytest.mark.asyncio
@pytest.mark.parametrize("proof", ["dob:1985-03-14", "pin:482913"])
async def test_verified_citizen_gets_the_status(tracker_from, dispatcher, domain, running_backend, proof):
    tracker = tracker_from("application_status_ready", slots={"identity_proof": proof})
    events = await ActionCheckApplicationStatus(running_backend).run(dispatcher, tracker, domain)
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_application_status"]
    message = dispatcher.messages[0]
    assert message["application_number"] == "APP-204817"
    assert message["application_type"] and message["status"] and message["last_step"] and message["next_step"]
    assert message["last_step_date"][-4:].isdigit()  # "12 May 2026", not a raw timestamp


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "number,proof", [("APP-204817", "pin:000000"), ("APP-204817", "dob:1990-11-02"), ("APP-900001", "pin:482913")]
)
async def test_wrong_proof_and_unknown_number_get_the_same_answer(
    tracker_from, dispatcher, domain, running_backend, number, proof
):
    tracker = tracker_from("application_status_ready", slots={"application_number": number, "identity_proof": proof})
    events = await ActionCheckApplicationStatus(running_backend).run(dispatcher, tracker, domain)
    assert events == CLEARED
    assert dispatcher.messages == [
        {
            "response": "utter_verification_failed",
            "text": None,
            "buttons": [],
            "elements": [],
            "custom": {},
            "template": "utter_verification_failed",
            "image": None,
            "attachment": None,
        }
    ]


@pytest.mark.asyncio
async def test_missing_proof_never_reaches_the_backend(tracker_from, dispatcher, domain, down_backend):
    tracker = tracker_from("application_status_ready", slots={"identity_proof": None})
    events = await ActionCheckApplicationStatus(down_backend).run(dispatcher, tracker, domain)
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_verification_failed"]


@pytest.mark.asyncio
async def test_backend_down_clears_the_proof_too(tracker_from, dispatcher, domain, down_backend):
    events = await ActionCheckApplicationStatus(down_backend).run(
        dispatcher, tracker_from("application_status_ready"), domain
    )
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_backend_unavailable"]


@pytest.mark.asyncio
async def test_slow_backend_answers_within_the_timeout(tracker_from, dispatcher, domain, slow_backend):
    started = time.monotonic()
    events = await ActionCheckApplicationStatus(slow_backend).run(
        dispatcher, tracker_from("application_status_ready"), domain
    )
    assert time.monotonic() - started < 2.0
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_backend_unavailable"]


# --- the SMS sender's phone as proof (docs/conversation-design.md, "Phone as proof") ---

APPLICANT_PHONE = "+447700900010"  # APP-204817's applicant in the demo data


def number_texted(number: str, *, channel: str = "sms", sms_from: str | None = APPLICANT_PHONE):
    turn = citizen_answers_form(
        number,
        "inform",
        form="application_status_form",
        requested_slot="application_number",
        candidates={"application_number": number},
        channel=channel,
    )
    turn[0]["metadata"] = {"phone": sms_from} if sms_from else {}
    return turn


@pytest.mark.asyncio
async def test_texting_from_the_applicants_phone_is_the_proof(tracker_from, dispatcher, domain, running_backend):
    tracker = tracker_from("application_status_asking_proof", *number_texted("APP-204817"))
    events = await ValidateApplicationStatusForm(running_backend).run(dispatcher, tracker, domain)
    assert events == [SlotSet("application_number", "APP-204817"), SlotSet("identity_proof", "phone:sms")]
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "number,channel,sms_from",
    [
        ("APP-318402", "sms", APPLICANT_PHONE),  # another applicant's number
        ("APP-900001", "sms", APPLICANT_PHONE),  # a number that does not exist
        ("APP-204817", "sms", "+447700900999"),  # a phone that is not the applicant's
        ("APP-204817", "sms", None),  # no signed sender
        ("APP-204817", "socketio", APPLICANT_PHONE),  # metadata on another channel proves nothing
        ("APP-204817", "voice", APPLICANT_PHONE),  # caller ID can be spoofed
    ],
    ids=["other-application", "unknown-number", "other-phone", "no-sender", "webchat", "voice"],
)
async def test_otherwise_the_date_of_birth_or_pin_is_asked_as_usual(
    tracker_from, dispatcher, domain, running_backend, number, channel, sms_from
):
    tracker = tracker_from(
        "application_status_asking_proof", *number_texted(number, channel=channel, sms_from=sms_from)
    )
    events = await ValidateApplicationStatusForm(running_backend).run(dispatcher, tracker, domain)
    assert events == [SlotSet("application_number", number)]
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_backend_down_during_the_phone_check_falls_back_to_the_question(
    tracker_from, dispatcher, domain, down_backend
):
    tracker = tracker_from("application_status_asking_proof", *number_texted("APP-204817"))
    events = await ValidateApplicationStatusForm(down_backend).run(dispatcher, tracker, domain)
    assert events == [SlotSet("application_number", "APP-204817")]


@pytest.mark.asyncio
async def test_phone_proof_gives_the_status_to_the_applicants_phone(tracker_from, dispatcher, domain, running_backend):
    texted = user("APP-204817", "inform", channel="sms")
    texted["metadata"] = {"phone": APPLICANT_PHONE}
    tracker = tracker_from("application_status_ready", texted, slots={"identity_proof": "phone:sms"})
    events = await ActionCheckApplicationStatus(running_backend).run(dispatcher, tracker, domain)
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_application_status"]
    assert dispatcher.messages[0]["application_number"] == "APP-204817"


@pytest.mark.asyncio
@pytest.mark.parametrize("channel,sms_from", [("socketio", APPLICANT_PHONE), ("sms", "+447700900999"), ("sms", None)])
async def test_phone_proof_without_the_matching_signed_sender_fails(
    tracker_from, dispatcher, domain, running_backend, channel, sms_from
):
    texted = user("APP-204817", "inform", channel=channel)
    texted["metadata"] = {"phone": sms_from} if sms_from else {}
    tracker = tracker_from("application_status_ready", texted, slots={"identity_proof": "phone:sms"})
    events = await ActionCheckApplicationStatus(running_backend).run(dispatcher, tracker, domain)
    assert events == CLEARED
    assert responses(dispatcher) == ["utter_verification_failed"]


@pytest.mark.asyncio
async def test_repeated_failures_in_a_conversation_are_refused_without_a_check(tracker_from, domain, running_backend):
    """Five wrong answers, then even the right one is refused: the back office counts per conversation."""
    def attempt(proof: str):
        return tracker_from(
            "application_status_ready",
            slots={"application_number": "APP-472036", "identity_proof": proof},
            sender="guessing-conversation",
        )

    answers = []
    for _ in range(5):
        dispatcher = CollectingDispatcher()
        await ActionCheckApplicationStatus(running_backend).run(dispatcher, attempt("dob:2000-01-01"), domain)
        answers.append(responses(dispatcher))
    assert answers == [["utter_verification_failed"]] * 5
    dispatcher = CollectingDispatcher()
    await ActionCheckApplicationStatus(running_backend).run(dispatcher, attempt("dob:1962-01-19"), domain)
    assert responses(dispatcher) == ["utter_too_many_attempts"]
