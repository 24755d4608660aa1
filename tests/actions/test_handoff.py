"""actions/handoff.py: the handoff packet, queueing (and pausing), callbacks out of hours, hand-back, session start."""

import time

import pytest
from rasa_sdk.events import ActionExecuted, ConversationPaused, FollowupAction, SessionStarted, SlotSet

from actions.handoff import (
    WITHHELD_PROOF,
    ActionFileCallback,
    ActionRequestHuman,
    ActionResumeAfterHandoff,
    ActionSessionStart,
    build_transcript,
    case_numbers,
    handoff_packet,
    handoff_reason,
    opening_text,
)
from tests.actions.conftest import responses
from tests.actions.conversation_events import action, user


def test_transcript_is_the_session_in_order_with_the_proof_withheld(tracker_from):
    transcript = build_transcript(tracker_from("handoff_after_failed_check"))
    assert [(m["sender"], m["text"]) for m in transcript] == [
        ("citizen", "where is my application APP-204817?"),
        ("assistant", "Please confirm your date of birth or the 6-digit PIN."),
        ("citizen", WITHHELD_PROOF),
        ("assistant", "Sorry, I couldn't find an application matching those details."),
        ("citizen", "I want to talk to a real person now"),  # zero-width and bidi characters gone
    ]
    assert all(m["sent_at"].startswith("2026-11-20T09:") and m["sent_at"].endswith("+00:00") for m in transcript)


def test_reason_tells_asked_from_accepted_offer_emergency_and_complaint(tracker_from):
    assert handoff_reason(tracker_from("handoff_after_failed_check")) == "citizen_asked_for_human"
    accepted = tracker_from(
        "out_of_scope_twice",
        action("action_explain_limits"),
        action("action_listen"),
        user("/request_human", "request_human", channel="twilio"),
    )
    assert handoff_reason(accepted) == "repeated_fallback"
    emergency = tracker_from("out_of_scope_twice", user("someone collapsed in the street", "report_emergency"))
    assert handoff_reason(emergency) == "emergency"
    complaint = tracker_from("out_of_scope_twice", user("your officer was rude", "complain_about_staff"))
    assert handoff_reason(complaint) == "staff_complaint"


def test_packet_carries_topic_case_numbers_and_understanding(tracker_from):
    packet = handoff_packet(tracker_from("handoff_after_failed_check"))
    assert packet["topic"] == "check_application_status"
    assert packet["case_numbers"] == ["APP-204817"]
    assert packet["intent"] == "request_human" and packet["language"] == "en"
    assert 0 <= packet["intent_confidence"] <= 1
    assert WITHHELD_PROOF in [line["text"] for line in packet["transcript"]]


def test_case_numbers_are_normalised_and_unique(tracker_from):
    tracker = tracker_from(
        "handoff_after_failed_check",
        user("and sr100231 too", "inform", entities=[{"entity": "request_number", "value": "sr100231"}]),
        user("APP-204817 again", "inform", entities=[{"entity": "application_number", "value": "app 204817"}]),
    )
    assert case_numbers(tracker) == ["APP-204817", "SR-100231"]


@pytest.mark.asyncio
async def test_queued_handoff_pauses_the_assistant_and_tells_the_channel(
    tracker_from, dispatcher, domain, running_backend
):
    events = await ActionRequestHuman(running_backend).run(
        dispatcher, tracker_from("handoff_after_failed_check"), domain
    )

    assert events == [ConversationPaused()]
    assert responses(dispatcher) == ["utter_handoff_queued", None]
    queued = dispatcher.messages[0]
    assert queued["reference"].startswith("HO-") and queued["team_name"] == "Permits and benefits"
    assert queued["position"] >= 1 and queued["minutes"] >= 1
    handoff = dispatcher.messages[1]["custom"]["handoff"]
    assert handoff == {
        "reference": queued["reference"],
        "queue": "permits",
        "status": "queued",
        "queue_position": queued["position"],
        "estimated_wait_minutes": queued["minutes"],
    }
    assert await running_backend.open_handoff("snapshot-handoff_after_failed_check") == queued["reference"]


@pytest.mark.asyncio
async def test_out_of_hours_web_chat_asks_for_a_number_to_call_back(tracker_from, dispatcher, domain, closed_backend):
    events = await ActionRequestHuman(closed_backend).run(
        dispatcher, tracker_from("handoff_after_failed_check"), domain
    )

    assert responses(dispatcher) == ["utter_centre_closed"]
    assert dispatcher.messages[0]["opens"].endswith("at 10:00")
    assert events == [SlotSet("callback_phone", None), FollowupAction("callback_form")]


@pytest.mark.asyncio
async def test_out_of_hours_sms_files_the_callback_for_the_senders_number(
    tracker_from, dispatcher, domain, closed_backend
):
    tracker = tracker_from(
        "handoff_after_failed_check",
        user("can someone ring me", "request_human", channel="sms", metadata={"phone": "+447700900123"}),
    )

    events = await ActionRequestHuman(closed_backend).run(dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_centre_closed", "utter_callback_filed", None]  # None: the JSON message
    filed = dispatcher.messages[1]
    assert filed["request_number"].startswith("SR-") and "10:00 and 12:00" in filed["window"]
    assert dispatcher.messages[2]["custom"] == {"handoff": {"reference": filed["request_number"], "status": "callback"}}
    assert events == [SlotSet("callback_phone", None)]


@pytest.mark.asyncio
async def test_callback_form_number_is_filed(tracker_from, dispatcher, domain, closed_backend):
    tracker = tracker_from("handoff_after_failed_check", slots={"callback_phone": "+447700900456"})
    events = await ActionFileCallback(closed_backend).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_callback_filed", None]
    assert events == [SlotSet("callback_phone", None)]


@pytest.mark.asyncio
async def test_backend_trouble_within_the_timeout(tracker_from, dispatcher, domain, troubled_backend):
    started = time.monotonic()
    events = await ActionRequestHuman(troubled_backend).run(
        dispatcher, tracker_from("handoff_after_failed_check"), domain
    )
    assert time.monotonic() - started < 2.0
    assert events == []  # not paused: the assistant keeps answering
    assert responses(dispatcher) == ["utter_backend_unavailable"]


@pytest.mark.asyncio
async def test_hand_back_says_what_the_agent_noted(tracker_from, dispatcher, domain):
    tracker = tracker_from("handoff_after_failed_check", slots={"handback_note": "Your review\u200b takes 5 days."})
    await ActionResumeAfterHandoff().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_handed_back_with_note"]
    assert dispatcher.messages[0]["note"] == "Your review takes 5 days."


@pytest.mark.asyncio
async def test_a_new_session_stays_paused_during_a_handoff(tracker_from, dispatcher, domain, running_backend):
    tracker = tracker_from("handoff_after_failed_check")
    await ActionRequestHuman(running_backend).run(dispatcher, tracker, domain)

    events = await ActionSessionStart(running_backend).run(dispatcher, tracker, domain)

    assert events == [SessionStarted(), ConversationPaused(), ActionExecuted("action_listen")]
    other = tracker_from("out_of_scope_twice")
    assert await ActionSessionStart(running_backend).run(dispatcher, other, domain) == [
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


@pytest.mark.asyncio
async def test_session_start_with_the_backend_down_starts_normally(tracker_from, dispatcher, domain, down_backend):
    events = await ActionSessionStart(down_backend).run(dispatcher, tracker_from("out_of_scope_twice"), domain)
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


def test_opening_time_is_said_as_people_say_it():
    from datetime import datetime, timezone

    now = datetime(2026, 3, 20, 19, 0, tzinfo=timezone.utc)  # Friday evening
    assert opening_text("2026-03-20T20:00:00+00:00", now) == "today at 20:00"
    assert opening_text("2026-03-21T09:00:00+00:00", now) == "tomorrow at 09:00"
    assert opening_text("2026-03-23T08:00:00+00:00", now) == "on Monday at 08:00"
    assert opening_text("not a time", now) == "when it next opens"
