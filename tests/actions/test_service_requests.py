"""actions/service_requests.py: report form validation, filing a report, checking a request."""

import time

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_requests import (
    ActionAskReportWantsUpdates,
    ActionCheckRequestStatus,
    ActionFileServiceRequest,
    ValidateReportIssueForm,
    ValidateRequestStatusForm,
    named_fields,
)
from tests.actions.conftest import responses
from tests.actions.conversation_events import citizen_answers_form, entity, user

REPORT_CLEARED = [
    SlotSet(s, None)
    for s in ("issue_category", "issue_location", "issue_description", "report_confirmed", "report_wants_updates")
]


def report_answer(text, intent, requested_slot, candidates, entities=()):
    return citizen_answers_form(
        text, intent, form="report_issue_form", requested_slot=requested_slot, candidates=candidates, entities=entities
    )


@pytest.fixture
def validate_report(knowledge_base):
    return ValidateReportIssueForm(knowledge_base)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "said,code",
    [
        ("pothole", "pothole"),
        ("there's a big hole in the road", "pothole"),
        ("Fly-tipping behind the shops", "dumped_rubbish"),
        ("lamp post is dark", "streetlight"),
        ("our bins were not emptied", "missed_collection"),
    ],
)
async def test_category_from_words(tracker_from, dispatcher, domain, validate_report, said, code):
    turn = report_answer(said, "inform", "issue_category", {"issue_category": said})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("issue_category", code)]
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_unknown_category_is_asked_again(tracker_from, dispatcher, domain, validate_report):
    turn = report_answer("my neighbour's cat", "inform", "issue_category", {"issue_category": "my neighbour's cat"})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("issue_category", None)]
    assert responses(dispatcher) == ["utter_invalid_issue_category"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "said,kept",
    [
        ("Mill Lane 14", "Mill Lane 14"),
        ("  Quay\u200b Street\u202e \n by the steps ", "Quay Street by the steps"),
        ("N1", None),
        ("!!!!", None),
        ("x" * 301, None),
        ("y" * 300, "y" * 300),
    ],
)
async def test_location_is_cleaned_and_bounded(tracker_from, dispatcher, domain, validate_report, said, kept):
    turn = report_answer(said, "inform", "issue_location", {"issue_location": said})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("issue_location", kept)]
    assert responses(dispatcher) == ([] if kept else ["utter_invalid_issue_location"])


@pytest.mark.asyncio
@pytest.mark.parametrize("said,ok", [("Deep hole", True), ("bad", False), ("z" * 1000, True), ("z" * 1001, False)])
async def test_description_length(tracker_from, dispatcher, domain, validate_report, said, ok):
    turn = report_answer(said, "inform", "issue_description", {"issue_description": said})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("issue_description", said if ok else None)]
    assert responses(dispatcher) == ([] if ok else ["utter_invalid_issue_description"])


@pytest.mark.asyncio
async def test_yes_confirms_the_report(tracker_from, dispatcher, domain, validate_report):
    # On a channel updates cannot reach (here the test events' socketio), they are not offered.
    turn = report_answer("/affirm", "affirm", "report_confirmed", {"report_confirmed": True})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("report_confirmed", True), SlotSet("report_wants_updates", False)]


@pytest.mark.asyncio
@pytest.mark.parametrize("channel", ["webchat", "sms"])
async def test_on_web_chat_and_sms_updates_are_offered_after_yes(
    tracker_from, dispatcher, domain, validate_report, channel
):
    turn = citizen_answers_form(
        "/affirm",
        "affirm",
        form="report_issue_form",
        requested_slot="report_confirmed",
        candidates={"report_confirmed": True},
        channel=channel,
    )
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("report_confirmed", True)]
    asked = CollectingDispatcher()
    await ActionAskReportWantsUpdates().run(asked, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert responses(asked) == [f"utter_ask_report_wants_updates_{channel}"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "said,intent,candidate,kept",
    [
        ("/affirm", "affirm", True, True),
        ("/deny", "deny", False, False),
        ("Yes please!", "inform", "Yes please!", True),
        ("nope", "inform", "nope", False),
        ("不用", "inform", "不用", False),
        ("maybe later", "inform", "maybe later", None),
    ],
)
async def test_the_answer_about_updates(
    tracker_from, dispatcher, domain, validate_report, said, intent, candidate, kept
):
    turn = citizen_answers_form(
        said,
        intent,
        form="report_issue_form",
        requested_slot="report_wants_updates",
        candidates={"report_wants_updates": candidate},
        channel="webchat",
    )
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("report_wants_updates", kept)]
    assert responses(dispatcher) == ([] if kept is not None else ["utter_invalid_report_wants_updates"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "said,intent,value,cleared",
    [
        ("no, the location is wrong", "deny", False, ["issue_location"]),
        ("change the description", "inform", "change the description", ["issue_description"]),
        ("change the category", "deny", False, ["issue_category"]),
    ],
)
async def test_naming_a_field_clears_it(
    tracker_from, dispatcher, domain, validate_report, said, intent, value, cleared
):
    turn = report_answer(said, intent, "report_confirmed", {"report_confirmed": value})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("report_confirmed", None), *[SlotSet(s, None) for s in cleared]]
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_a_plain_no_asks_which_field(tracker_from, dispatcher, domain, validate_report):
    turn = report_answer("/deny", "deny", "report_confirmed", {"report_confirmed": False})
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("report_confirmed", None)]
    assert responses(dispatcher) == ["utter_ask_which_field"]


@pytest.mark.asyncio
async def test_a_correction_in_the_same_message_is_kept(tracker_from, dispatcher, domain, validate_report):
    turn = report_answer(
        "no, the category is graffiti",
        "deny",
        "report_confirmed",
        {"issue_category": "graffiti", "report_confirmed": False},
        entities=[entity("issue_category", "graffiti")],
    )
    events = await validate_report.run(dispatcher, tracker_from("report_issue_asking_confirmation", *turn), domain)
    assert events == [SlotSet("issue_category", "graffiti"), SlotSet("report_confirmed", None)]
    assert dispatcher.messages == []


def test_named_fields():
    assert named_fields("the address and the details") == ["issue_location", "issue_description"]
    assert named_fields("no") == []


@pytest.mark.asyncio
async def test_request_number_validation(tracker_from, dispatcher, domain):
    good = citizen_answers_form(
        "sr 100231",
        "inform",
        form="request_status_form",
        requested_slot="request_number",
        candidates={"request_number": "sr 100231"},
    )
    bad = citizen_answers_form(
        "100231",
        "inform",
        form="request_status_form",
        requested_slot="request_number",
        candidates={"request_number": "100231"},
    )
    assert await ValidateRequestStatusForm().run(dispatcher, tracker_from("request_status_ready", *good), domain) == [
        SlotSet("request_number", "SR-100231")
    ]
    assert await ValidateRequestStatusForm().run(dispatcher, tracker_from("request_status_ready", *bad), domain) == [
        SlotSet("request_number", None)
    ]
    assert responses(dispatcher) == ["utter_invalid_request_number"]


@pytest.mark.asyncio
async def test_confirmed_report_is_filed_and_forgotten(
    tracker_from, dispatcher, domain, running_backend, knowledge_base
):
    tracker = tracker_from("report_issue_confirmed")
    events = await ActionFileServiceRequest(running_backend, knowledge_base).run(dispatcher, tracker, domain)
    assert events == REPORT_CLEARED
    assert responses(dispatcher) == ["utter_request_filed"]
    message = dispatcher.messages[0]
    assert message["request_number"].startswith("SR-") and message["department"] and message["target_date"]
    filed = await running_backend.get_service_request(message["request_number"])
    assert filed.category == "pothole"


@pytest.mark.asyncio
async def test_unconfirmed_report_is_not_filed(tracker_from, dispatcher, domain, down_backend, knowledge_base):
    tracker = tracker_from("report_issue_confirmed", slots={"report_confirmed": None})
    assert await ActionFileServiceRequest(down_backend, knowledge_base).run(dispatcher, tracker, domain) == []
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_backend_trouble_keeps_the_report(tracker_from, dispatcher, domain, knowledge_base, troubled_backend):
    client = troubled_backend
    started = time.monotonic()
    events = await ActionFileServiceRequest(client, knowledge_base).run(
        dispatcher, tracker_from("report_issue_confirmed"), domain
    )
    assert time.monotonic() - started < 2.0
    assert events == []
    assert responses(dispatcher) == ["utter_backend_unavailable"]


@pytest.mark.asyncio
async def test_request_status(tracker_from, dispatcher, domain, running_backend):
    events = await ActionCheckRequestStatus(running_backend).run(
        dispatcher, tracker_from("request_status_ready"), domain
    )
    assert events == [SlotSet("request_number", None)]
    assert responses(dispatcher) == ["utter_request_status"]
    message = dispatcher.messages[0]
    assert message["request_number"] == "SR-100231" and message["category"] and message["status"]
    assert message["department"] and message["last_step"] and message["last_step_date"]


@pytest.mark.asyncio
async def test_unknown_request(tracker_from, dispatcher, domain, running_backend):
    tracker = tracker_from("request_status_ready", slots={"request_number": "SR-900001"})
    events = await ActionCheckRequestStatus(running_backend).run(dispatcher, tracker, domain)
    assert events == [SlotSet("request_number", None)]
    assert responses(dispatcher) == ["utter_request_not_found"]


@pytest.mark.asyncio
async def test_request_status_backend_trouble(tracker_from, dispatcher, domain, troubled_backend):
    started = time.monotonic()
    events = await ActionCheckRequestStatus(troubled_backend).run(
        dispatcher, tracker_from("request_status_ready"), domain
    )
    assert time.monotonic() - started < 2.0
    assert events == [SlotSet("request_number", None)]
    assert responses(dispatcher) == ["utter_backend_unavailable"]


class RecordingBackend:
    """Keeps what the action would file (the real back office's side is in tests/backend and tests/e2e)."""

    def __init__(self, real):
        self.real, self.filed = real, []

    async def file_service_request(self, **report):
        self.filed.append(report)
        return await self.real.file_service_request(**report)


@pytest.mark.asyncio
async def test_a_web_chat_report_that_wants_updates_says_so(
    tracker_from, dispatcher, domain, running_backend, knowledge_base
):
    backend = RecordingBackend(running_backend)
    tracker = tracker_from(
        "report_issue_confirmed", user("yes please", "affirm", channel="webchat"), slots={"report_wants_updates": True}
    )
    await ActionFileServiceRequest(backend, knowledge_base).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_request_filed", "utter_updates_promised"]
    (filed,) = backend.filed
    assert (filed["channel"], filed["wants_updates"], filed["contact_phone"]) == ("webchat", True, None)


@pytest.mark.asyncio
async def test_an_sms_report_gives_the_number_the_channel_vouched_for(
    tracker_from, dispatcher, domain, running_backend, knowledge_base
):
    backend = RecordingBackend(running_backend)
    signed = user("yes", "affirm", channel="sms", metadata={"phone": "+447700900123"})
    tracker = tracker_from("report_issue_confirmed", signed, slots={"report_wants_updates": True})
    await ActionFileServiceRequest(backend, knowledge_base).run(dispatcher, tracker, domain)
    (filed,) = backend.filed
    assert (filed["channel"], filed["wants_updates"], filed["contact_phone"]) == ("sms", True, "+447700900123")


@pytest.mark.asyncio
async def test_no_updates_where_they_cannot_arrive(tracker_from, dispatcher, domain, running_backend, knowledge_base):
    backend = RecordingBackend(running_backend)
    tracker = tracker_from(
        "report_issue_confirmed", user("yes", "affirm", channel="rest"), slots={"report_wants_updates": True}
    )
    await ActionFileServiceRequest(backend, knowledge_base).run(dispatcher, tracker, domain)
    assert backend.filed[0]["wants_updates"] is False
    assert responses(dispatcher) == ["utter_request_filed"]
