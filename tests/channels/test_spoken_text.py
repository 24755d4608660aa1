"""The assistant's written answers rewritten for the ear (channels/spoken_text.py)."""

from channels.spoken_text import MAX_SPOKEN_CHARS, shortened, speakable, spoken_menu, spoken_reply


def test_case_numbers_and_pins_are_read_digit_by_digit() -> None:
    assert speakable("Application APP-204817 is under review.") == "Application A P P, 2 0 4 8 1 7 is under review."
    assert "S R, 1 0 0 2 3 1" in speakable("Your request SR-100231")
    assert "H O, 0 0 0 0 4 2" in speakable("Your reference is HO-000042.")
    assert "4 8 2 9 1 3" in speakable("PIN 482913")


def test_dates_times_and_years_stay_as_they_are() -> None:
    text = "Open Mon-Fri 08:30-17:00, since 14/03/1985 and 2026."
    assert speakable(text) == text


def test_no_emoji_urls_emails_or_markup_are_read_out() -> None:
    spoken = speakable("🙂 **See** https://northbridge.example/permits or write to help@northbridge.example 👍")
    assert "http" not in spoken and "@" not in spoken and "*" not in spoken
    assert "🙂" not in spoken and "👍" not in spoken
    assert "on the council's website" in spoken and "by email" in spoken


def test_lines_become_sentences() -> None:
    assert speakable("Status: approved\nNext step: collect it") == "Status: approved. Next step: collect it."


def test_long_answers_are_shortened_at_a_sentence() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(60))
    short = shortened(text)
    assert len(short) <= MAX_SPOKEN_CHARS
    assert short.endswith(".")
    assert short.startswith("Sentence number 0 is here.")


def test_buttons_become_a_short_spoken_menu() -> None:
    buttons = [{"title": "Yes, please", "payload": "/request_human"}, {"title": "No, thanks", "payload": "/deny"}]
    assert spoken_menu(buttons) == "Say your answer, or press 1 for Yes, please; press 2 for No, thanks."
    spoken, choices = spoken_reply([{"text": "Shall I pass you on?", "buttons": buttons}])
    assert spoken.startswith("Shall I pass you on? Say your answer, or press 1")
    assert choices == buttons
