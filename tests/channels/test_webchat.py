"""What the web chat page shows of a conversation, built from tracker events."""

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from channels.webchat import SENDER_ID, transcript_from_events


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
