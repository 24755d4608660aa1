"""What the web chat page shows of a conversation, built from tracker events."""

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from channels.handoff_relay import latest_message_while_paused
from channels.webchat import SENDER_ID, handoff_status, transcript_from_events


def test_transcript_shows_both_sides_in_order_with_buttons() -> None:
    buttons = [{"title": "Report a problem", "payload": "/report_issue"}]
    events = [
        ActionExecuted("action_session_start", timestamp=1.0),
        UserUttered("hello", timestamp=2.0),
        BotUttered("Hi! How can I help?", data={"buttons": buttons}, timestamp=3.0),
        UserUttered("/report_issue", metadata={"display_text": "Report a problem"}, timestamp=4.0),
        SlotSet("issue_category", "pothole", timestamp=5.0),
        BotUttered("Where is it?", timestamp=6.0),
    ]

    assert transcript_from_events(events) == [
        {"sender": "citizen", "text": "hello", "timestamp": 2.0},
        {"sender": "assistant", "text": "Hi! How can I help?", "buttons": buttons, "timestamp": 3.0},
        {"sender": "citizen", "text": "Report a problem", "timestamp": 4.0},
        {"sender": "assistant", "text": "Where is it?", "buttons": [], "timestamp": 6.0},
    ]


def test_conversation_ids_must_be_long_and_plain() -> None:
    assert SENDER_ID.match("0f8fad5b-d9cb-469f-a165-70867728950e")
    for guessable in ("1", "alice", "../../etc/passwd", "a" * 65, "0f8fad5b d9cb 469f a165"):
        assert not SENDER_ID.match(guessable)


def test_agent_and_hotline_messages_are_told_apart_and_external_intents_hidden() -> None:
    events = [
        UserUttered("a person please", intent={"name": "request_human", "confidence": 0.9}, timestamp=1.0),
        BotUttered("You are number 1 in the queue.", timestamp=2.0),
        ConversationPaused(timestamp=3.0),
        BotUttered("Hello, I'm Alice.", metadata={"sender": "agent", "author_name": "Alice Morgan"}, timestamp=4.0),
        BotUttered("You're now chatting with Alice.", metadata={"sender": "hotline"}, timestamp=5.0),
        ConversationResumed(timestamp=6.0),
        UserUttered(
            "EXTERNAL: EXTERNAL_handed_back", intent={"name": "EXTERNAL_handed_back", "confidence": 1.0}, timestamp=7.0
        ),
    ]
    senders = [(m["sender"], m.get("author_name")) for m in transcript_from_events(events)]
    assert senders == [("citizen", None), ("assistant", None), ("agent", "Alice Morgan"), ("hotline", None)]


def test_queue_status_is_kept_only_while_handed_off() -> None:
    status = {"reference": "HO-000001", "status": "queued", "queue_position": 2, "estimated_wait_minutes": 6}
    waiting = [
        BotUttered("Passing you on.", timestamp=1.0),
        BotUttered(None, data={"custom": {"handoff": status}}, timestamp=2.0),
        ConversationPaused(timestamp=3.0),
    ]
    assert handoff_status(waiting) == status
    assert handoff_status([*waiting, ConversationResumed(timestamp=4.0)]) is None


def test_relay_takes_only_messages_sent_while_paused() -> None:
    before = UserUttered("a person please", timestamp=1.0)
    during = UserUttered("hello? anyone there", timestamp=3.0)
    assert latest_message_while_paused([before]) is None
    assert latest_message_while_paused([before, ConversationPaused(timestamp=2.0), during]) is during
    resumed = [before, ConversationPaused(timestamp=2.0), ConversationResumed(timestamp=2.5), during]
    assert latest_message_while_paused(resumed) is None
    # A new session during a handoff stays paused (action_session_start pauses again).
    renewed = [before, ConversationPaused(2.0), SessionStarted(2.5), ConversationPaused(2.6), during]
    assert latest_message_while_paused(renewed) is during
