"""actions/handoff.py: the handoff packet (channel, reason, transcript) and its recording in the backend."""

import time

import pytest

from actions.handoff import WITHHELD_PROOF, ActionRequestHuman, build_transcript, handoff_reason
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


def test_reason_tells_asked_from_accepted_offer(tracker_from):
    assert handoff_reason(tracker_from("handoff_after_failed_check")) == "citizen_asked_for_human"
    accepted = tracker_from(
        "out_of_scope_twice",
        action("action_explain_limits"),
        action("action_listen"),
        user("/request_human", "request_human", channel="twilio"),
    )
    assert handoff_reason(accepted) == "repeated_fallback"


@pytest.mark.asyncio
async def test_handoff_is_recorded_with_a_reference(tracker_from, dispatcher, domain, running_backend):
    events = await ActionRequestHuman(running_backend).run(
        dispatcher, tracker_from("handoff_after_failed_check"), domain
    )
    assert events == []
    assert responses(dispatcher) == ["utter_handoff_recorded"]
    assert dispatcher.messages[0]["reference"].startswith("HO-")


@pytest.mark.asyncio
async def test_backend_trouble_within_the_timeout(tracker_from, dispatcher, domain, troubled_backend):
    started = time.monotonic()
    events = await ActionRequestHuman(troubled_backend).run(
        dispatcher, tracker_from("handoff_after_failed_check"), domain
    )
    assert time.monotonic() - started < 2.0
    assert events == []
    assert responses(dispatcher) == ["utter_backend_unavailable"]
