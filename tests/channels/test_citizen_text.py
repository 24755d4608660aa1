"""Cleaning of citizens' text before the assistant sees it."""

import pytest

from channels.citizen_text import MAX_MESSAGE_CHARS, RejectedText, clean_citizen_text


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("  where is my application?  ", "where is my application?"),
        ("APP\u200b-204817", "APP-204817"),  # zero-width space pasted from a PDF receipt
        ("\ufeffhello", "hello"),
        ("my street 🚧🕳️ is broken", "my street 🚧🕳️ is broken"),
        ("我的申请进度如何", "我的申请进度如何"),
        ("line one\nline two", "line one\nline two"),
        ("bell\x07 and escape\x1b[31m", "bell  and escape [31m"),
        ("Cafe\u0301", "Café"),  # decomposed accents are composed, so the NLU sees one spelling
    ],
)
def test_text_is_normalised(typed: str, seen: str) -> None:
    assert clean_citizen_text(typed) == seen


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (None, "must be text"),
        (42, "must be text"),
        ("", "empty"),
        ("\u200b\u200b \n", "empty"),
        ("x" * (MAX_MESSAGE_CHARS + 1), "too long"),
        ("broken \ud800 surrogate", "invalid characters"),
    ],
)
def test_unusable_text_is_rejected_with_a_reason(typed: object, reason: str) -> None:
    with pytest.raises(RejectedText, match=reason):
        clean_citizen_text(typed)


def test_the_limit_counts_characters_not_bytes() -> None:
    assert clean_citizen_text("路" * MAX_MESSAGE_CHARS) == "路" * MAX_MESSAGE_CHARS
