"""actions/faq.py: answers from the knowledge base, and the service question when one is needed."""

import pytest

from actions.faq import ActionAnswerFaq
from tests.actions.conftest import responses
from tests.actions.conversation_events import entity, user


@pytest.fixture
def answer_faq(knowledge_base):
    return ActionAnswerFaq(knowledge_base)


@pytest.mark.asyncio
async def test_fees_without_a_service_asks_which_with_buttons(tracker_from, dispatcher, domain, answer_faq):
    events = await answer_faq.run(dispatcher, tracker_from("faq_fees_without_service"), domain)
    assert events == []
    assert responses(dispatcher) == ["utter_ask_service"]
    buttons = dispatcher.messages[0]["buttons"]
    assert {"title": "Business licence", "payload": '/ask_fees{"service":"business_licence"}'} in buttons
    assert len(buttons) == 12  # every service but the service centre, which charges for nothing asked here


@pytest.mark.asyncio
async def test_fees_for_the_service_in_the_message(tracker_from, dispatcher, domain, answer_faq):
    tracker = tracker_from(
        "faq_fees_without_service",
        user('/ask_fees{"service":"business_licence"}', "ask_fees", [entity("service", "business_licence")]),
    )
    assert await answer_faq.run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_faq_answer"]
    assert dispatcher.messages[0]["answer"] == (
        "Business licence - fees: New licence: £180; Annual renewal: £95; Change of name, address or owner: £25; "
        "Temporary event licence (up to 7 days): £21."
    )


@pytest.mark.asyncio
async def test_opening_hours_without_a_service_are_the_service_centre(tracker_from, dispatcher, domain, answer_faq):
    tracker = tracker_from("faq_fees_without_service", user("when are you open?", "ask_opening_hours"))
    await answer_faq.run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_faq_answer"]
    assert dispatcher.messages[0]["answer"] == (
        "Citizen Service Centre, 1 Market Square, Northbridge NB1 1AA. Opening hours: "
        "Mon-Fri 08:30-17:00, Thu until 19:00, Sat 09:00-12:00; closed on Sundays and public holidays."
    )


@pytest.mark.asyncio
async def test_documents_for_the_service_in_the_slot(tracker_from, dispatcher, domain, answer_faq):
    # "And what do I need to bring?" after a question about parking permits.
    tracker = tracker_from(
        "faq_fees_without_service",
        user("parking permit fees", "ask_fees", [entity("service", "parking_permit")]),
        user("and what do I need to bring?", "ask_required_documents"),
        slots={"service": "parking_permit"},
    )
    await answer_faq.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["answer"].startswith("Resident parking permit - what you need: Vehicle registration")


@pytest.mark.asyncio
async def test_an_unmapped_service_word_is_still_understood(tracker_from, dispatcher, domain, answer_faq):
    tracker = tracker_from(
        "faq_fees_without_service",
        user("hours of planning", "ask_opening_hours", [entity("service", "planning permission")]),
    )
    await answer_faq.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["answer"].startswith(
        "Building permit: Planning and Building Control, Riverside House"
    )


@pytest.mark.asyncio
async def test_a_bare_service_answer_repeats_the_last_question(tracker_from, dispatcher, domain, answer_faq):
    tracker = tracker_from(
        "faq_fees_without_service", user("housing benefit", "inform", [entity("service", "housing_benefit")])
    )
    await answer_faq.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["answer"].startswith("Housing benefit - fees: Applying is free")


@pytest.mark.asyncio
async def test_a_chinese_question_is_answered_in_chinese(tracker_from, dispatcher, domain, answer_faq):
    tracker = tracker_from(
        "faq_fees_without_service",
        user("办营业执照要多少钱", "ask_fees", [entity("service", "business_licence")]),
        slots={"language": "zh"},
    )
    await answer_faq.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["answer"] == (
        "营业执照收费：新办执照：£180；年度续期：£95；变更名称、地址或业主：£25；临时活动许可（最多7天）：£21。"
    )


@pytest.mark.asyncio
async def test_chinese_service_buttons_have_chinese_titles(tracker_from, dispatcher, domain, answer_faq):
    tracker = tracker_from("faq_fees_without_service", slots={"language": "zh"})
    await answer_faq.run(dispatcher, tracker, domain)
    buttons = dispatcher.messages[0]["buttons"]
    assert {"title": "营业执照", "payload": '/ask_fees{"service":"business_licence"}'} in buttons


@pytest.mark.asyncio
async def test_a_general_question_without_an_entity_finds_the_service_in_its_words(
    tracker_from, dispatcher, domain, answer_faq
):
    tracker = tracker_from("faq_fees_without_service", user("我失业了，有什么帮助", "ask_service_info"),
                           slots={"language": "zh"})
    await answer_faq.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["answer"].startswith("就业服务：Northbridge Works 帮助居民就业")


@pytest.mark.asyncio
async def test_when_is_bin_day_is_answered_from_the_waste_collection_summary(
    tracker_from, dispatcher, domain, answer_faq
):
    tracker = tracker_from(
        "faq_fees_without_service",
        user("when is my bin day", "ask_service_info", [entity("service", "waste_collection")]),
    )
    await answer_faq.run(dispatcher, tracker, domain)
    answer = dispatcher.messages[0]["answer"]
    assert answer.startswith("Waste collection: General waste (black bin) and recycling (blue bin)")
    assert "Opening hours:" in answer
