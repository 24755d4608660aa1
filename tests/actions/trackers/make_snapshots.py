"""Regenerates the tracker snapshots here: run `python -m tests.actions.trackers.make_snapshots` from the repo root.

Each snapshot is what Rasa 3.6 sends the action server (DialogueStateTracker.current_state
with EventVerbosity.AFTER_RESTART), replayed from the events below against the real domain.
"""

from __future__ import annotations

import json
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from tests.actions.conversation_events import action, active_loop, bot, entity, slot, user, utter

HERE = Path(__file__).resolve().parent
DOMAIN_DIR = HERE.parents[2] / "bot" / "domain"


def _start() -> list:
    return [
        action("action_session_start"),
        {"event": "session_started", "timestamp": 1795165200.5},
        action("action_listen"),
    ]


def _form_asks(form: str, requested: str, text: str) -> list:
    return [slot("requested_slot", requested), *utter(f"utter_ask_{requested}", text), action("action_listen")]


def application_status_asking_proof() -> list:
    return [
        *_start(),
        user(
            "where is my application APP-204817?",
            "check_application_status",
            [entity("application_number", "APP-204817")],
        ),
        action("action_extract_slots"),
        slot("application_number", "APP-204817"),
        action("application_status_form"),
        active_loop("application_status_form"),
        slot("application_number", "APP-204817"),
        *_form_asks(
            "application_status_form", "identity_proof", "Please confirm your date of birth or the 6-digit PIN."
        ),
    ]


def application_status_ready() -> list:
    return [
        *application_status_asking_proof(),
        user("14/03/1985", "inform"),
        action("action_extract_slots"),
        slot("identity_proof", "14/03/1985"),
        action("application_status_form"),
        slot("identity_proof", "dob:1985-03-14"),
        active_loop(None),
        slot("requested_slot", None),
    ]


def report_issue_asking_confirmation() -> list:
    return [
        *_start(),
        user("I want to report a pothole", "report_issue", [entity("issue_category", "pothole")]),
        action("action_extract_slots"),
        slot("issue_category", "pothole"),
        action("report_issue_form"),
        active_loop("report_issue_form"),
        slot("issue_category", "pothole"),
        *_form_asks("report_issue_form", "issue_location", "Where is it?"),
        user("Mill Lane outside no. 14", "inform"),
        action("action_extract_slots"),
        slot("issue_location", "Mill Lane outside no. 14"),
        action("report_issue_form"),
        slot("issue_location", "Mill Lane outside no. 14"),
        *_form_asks("report_issue_form", "issue_description", "Please describe the problem."),
        user("Deep hole in the cycle lane, about 30 cm wide", "inform"),
        action("action_extract_slots"),
        slot("issue_description", "Deep hole in the cycle lane, about 30 cm wide"),
        action("report_issue_form"),
        slot("issue_description", "Deep hole in the cycle lane, about 30 cm wide"),
        *_form_asks("report_issue_form", "report_confirmed", "Here's your report: ... Shall I send it to the council?"),
    ]


def report_issue_confirmed() -> list:
    return [
        *report_issue_asking_confirmation(),
        user("/affirm", "affirm"),
        action("action_extract_slots"),
        slot("report_confirmed", True),
        action("report_issue_form"),
        slot("report_confirmed", True),
        active_loop(None),
        slot("requested_slot", None),
    ]


def request_status_ready() -> list:
    return [
        *_start(),
        user("what's happening with SR-100231", "check_request_status", [entity("request_number", "SR-100231")]),
        action("action_extract_slots"),
        slot("request_number", "SR-100231"),
        action("request_status_form"),
        active_loop("request_status_form"),
        slot("request_number", "SR-100231"),
        active_loop(None),
        slot("requested_slot", None),
    ]


def faq_fees_without_service() -> list:
    return [*_start(), user("how much does it cost?", "ask_fees")]


def out_of_scope_twice() -> list:
    return [
        *_start(),
        user("what's the weather tomorrow", "out_of_scope", channel="twilio"),
        action("action_explain_limits"),
        bot("utter_out_of_scope", "Sorry, that's not something the 12345 hotline can help with."),
        bot("utter_capabilities", "I can check where an application stands..."),
        action("action_listen"),
        user("tell me a joke", "out_of_scope", channel="twilio"),
    ]


def handoff_after_failed_check() -> list:
    events = application_status_asking_proof()[:-1]  # without the trailing action_listen, re-added below
    return [
        *events,
        action("action_listen"),
        user("my birthday is 14 March 1985", "inform", channel="socketio"),
        action("action_extract_slots"),
        slot("identity_proof", "my birthday is 14 March 1985"),
        action("application_status_form"),
        slot("identity_proof", "dob:1985-03-14"),
        active_loop(None),
        slot("requested_slot", None),
        action("action_check_application_status"),
        bot("utter_verification_failed", "Sorry, I couldn't find an application matching those details."),
        slot("identity_proof", None),
        slot("application_number", None),
        action("action_listen"),
        # A zero-width space and a right-to-left override, as pasted from a phone.
        user("I want to talk to a\u200b real person\u202e now", "request_human", channel="socketio"),
    ]


SNAPSHOTS = {
    "application_status_asking_proof": application_status_asking_proof,
    "application_status_ready": application_status_ready,
    "report_issue_asking_confirmation": report_issue_asking_confirmation,
    "report_issue_confirmed": report_issue_confirmed,
    "request_status_ready": request_status_ready,
    "faq_fees_without_service": faq_fees_without_service,
    "out_of_scope_twice": out_of_scope_twice,
    "handoff_after_failed_check": handoff_after_failed_check,
}


def main() -> None:
    domain = Domain.load(str(DOMAIN_DIR))
    for name, build in SNAPSHOTS.items():
        tracker = DialogueStateTracker.from_events(f"snapshot-{name}", deserialise_events(build()), slots=domain.slots)
        state = tracker.current_state(EventVerbosity.AFTER_RESTART)
        (HERE / f"{name}.json").write_text(json.dumps(state, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {name}.json ({len(state['events'])} events)")


if __name__ == "__main__":
    main()
