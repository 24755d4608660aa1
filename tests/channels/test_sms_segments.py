"""SMS encodings, segment counts and the splitting of long replies (channels/sms_segments.py)."""

import pytest

from channels.sms_segments import (
    MAX_SEGMENTS_PER_MESSAGE,
    TWILIO_MAX_BODY_CHARS,
    encoding_of,
    prefer_gsm7,
    segment_count,
    split_for_sms,
    units_of,
)


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # each extension character costs two septets
        ("€" * 81, "GSM-7", 2),
        ("a" * 69 + "🙂", "UCS-2", 2),  # one emoji: UCS-2, and it takes two UTF-16 units
        ("a" * 68 + "🙂", "UCS-2", 1),
        ("申" * 70, "UCS-2", 1),
        ("申" * 71, "UCS-2", 2),
        ("申" * 134, "UCS-2", 2),
        ("申" * 135, "UCS-2", 3),
        ("Ünïcödé? No: ü, é, à are GSM-7; ï is not", "UCS-2", 1),
    ],
)
def test_encoding_and_segments(text: str, encoding: str, segments: int) -> None:
    assert encoding_of(text) == encoding
    assert segment_count(text) == segments


def test_one_emoji_makes_a_gsm_text_cost_more() -> None:
    plain = "Your application is under review. " * 4
    assert segment_count(plain) == 1 or segment_count(plain) < segment_count(plain + "🙂")
    assert encoding_of(plain + "🙂") == "UCS-2"


def test_typographic_characters_of_our_texts_become_gsm7() -> None:
    text = "You\u2019re \u201cdone\u201d \u2013 thanks\u2026"
    assert prefer_gsm7(text) == 'You\'re "done" - thanks...'
    assert encoding_of(prefer_gsm7(text)) == "GSM-7"


def test_a_short_reply_is_one_message_unchanged() -> None:
    assert split_for_sms("  Hello there  ") == ["Hello there"]


def test_nothing_to_say_is_no_message() -> None:
    assert split_for_sms("") == [] and split_for_sms(" \n ") == []


@pytest.mark.parametrize(
    "text",
    [
        "word " * 800,  # GSM-7, 4000 characters
        "申请状态。" * 300,  # Chinese without spaces
        ("Line with an emoji 🙂 and words\n" * 120),
        "https://example.org/" + "x" * 3000,  # one unbreakable 'word'
        "👩‍👩‍👧‍👦" * 500,  # family emoji: ZWJ sequences must not be cut
    ],
    ids=["gsm", "chinese", "emoji-lines", "long-link", "zwj"],
)
def test_long_replies_are_split_within_twilio_and_segment_limits(text: str) -> None:
    parts = split_for_sms(text)
    assert len(parts) > 1
    for index, part in enumerate(parts, start=1):
        assert part.startswith(f"({index}/{len(parts)}) ")
        assert units_of(part, "UCS-2") <= TWILIO_MAX_BODY_CHARS
        assert segment_count(part) <= MAX_SEGMENTS_PER_MESSAGE
    body = "".join(part.split(") ", 1)[1] for part in parts)
    assert body.replace(" ", "").replace("\n", "") == text.strip().replace(" ", "").replace("\n", "")


def test_zwj_sequences_stay_whole() -> None:
    family = "👩‍👩‍👧‍👦"
    for part in split_for_sms(family * 500):
        assert part.split(") ", 1)[1].replace(family, "") == ""


def test_gsm_parts_use_the_room_of_ten_segments() -> None:
    parts = split_for_sms("word " * 800)
    # 10 segments of 153 septets; a part uses most of it rather than a few hundred characters.
    assert all(len(part) > 1200 for part in parts[:-1])


def test_a_long_chinese_answer_of_the_knowledge_base_is_cut_at_sentence_ends_in_ucs2_segments() -> None:
    from pathlib import Path

    from actions.faq import compose_answer
    from actions.knowledge_base import load_knowledge_base

    knowledge_base = load_knowledge_base(Path(__file__).resolve().parents[2] / "training_data" / "knowledge_base")
    answer = "\n".join(
        compose_answer(intent, service, "zh")
        for service in knowledge_base.services.values()
        for intent in ("ask_service_info", "ask_required_documents", "ask_fees")
    )
    parts = split_for_sms(answer)
    assert len(parts) > 1
    for part in parts:
        body = part.split(") ", 1)[1]
        assert encoding_of(part) == "UCS-2"
        assert segment_count(part) <= MAX_SEGMENTS_PER_MESSAGE
        assert units_of(part, "UCS-2") <= MAX_SEGMENTS_PER_MESSAGE * 67
        assert body[-1] in "。；\n" or part == parts[-1]  # never in the middle of a sentence
    assert "".join(p.split(") ", 1)[1] for p in parts).replace("\n", "") == answer.replace("\n", "")
