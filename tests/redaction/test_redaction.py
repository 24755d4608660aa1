"""The shared redaction component: what it finds, what it leaves, and its fakes (run in both environments)."""

import re

import pytest

from redaction import Kind, find_personal_data, pseudonymise, redact


def kinds(text: str) -> list[tuple[Kind, str]]:
    return [(finding.kind, finding.text) for finding in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my name is John Smith and I need help", [(Kind.NAME, "John Smith")]),
        ("My name's Siobhan O'Neill-Byrne", [(Kind.NAME, "Siobhan O'Neill-Byrne")]),
        ("hi, my name is mary. where is my licence", [(Kind.NAME, "mary")]),
        ("this is Priya Shah speaking", [(Kind.NAME, "Priya Shah")]),
        ("call me on 07700 900123", [(Kind.PHONE, "07700 900123")]),
        ("ring +44 7700 900123 after 5", [(Kind.PHONE, "+44 7700 900123")]),
        ("my number is (0191) 496 0123", [(Kind.PHONE, "(0191) 496 0123")]),
        ("call 0044 7700 900123", [(Kind.PHONE, "0044 7700 900123")]),
        ("+1 202-555-0143 is my US number", [(Kind.PHONE, "+1 202-555-0143")]),
        ("write to jane.doe+council@mail.example.co.uk please", [(Kind.EMAIL, "jane.doe+council@mail.example.co.uk")]),
        ("born 14 March 1985", [(Kind.DATE, "14 March 1985")]),
        ("dob 14th of march 1985", [(Kind.DATE, "14th of march 1985")]),
        ("DOB: 14/03/1985", [(Kind.DATE, "14/03/1985")]),
        ("born 1985-03-14", [(Kind.DATE, "1985-03-14")]),
        ("born March 14, 1985", [(Kind.DATE, "March 14, 1985")]),
        ("where is APP-204817", [(Kind.APPLICATION_NUMBER, "APP-204817")]),
        ("it's app 204817", [(Kind.APPLICATION_NUMBER, "app 204817")]),
        ("status of SR-100231?", [(Kind.REQUEST_NUMBER, "SR-100231")]),
        ("the pin is 482913", [(Kind.PIN, "482913")]),
        ("482913", [(Kind.PIN, "482913")]),
        ("PIN: 4821", [(Kind.PIN, "4821")]),
        ("NI number AB 12 34 56 C", [(Kind.ID_NUMBER, "AB 12 34 56 C")]),
        ("passport number 533401372", [(Kind.ID_NUMBER, "533401372")]),
    ],
)
def test_finds_personal_data_in_english(text: str, expected: list) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我叫王小明，想查一下申请", [(Kind.NAME, "王小明")]),
        ("我的电话是13800138000谢谢", [(Kind.PHONE, "13800138000")]),
        ("手机：１３８００１３８０００。", [(Kind.PHONE, "１３８００１３８０００")]),
        ("身份证号110101199003074518，请查询", [(Kind.ID_NUMBER, "110101199003074518")]),
        ("身份证11010119900307451X", [(Kind.ID_NUMBER, "11010119900307451X")]),
        ("我1985年3月14日出生", [(Kind.DATE, "1985年3月14日")]),
        ("申请号APP-204817的进度", [(Kind.APPLICATION_NUMBER, "APP-204817")]),
        ("密码是482913", [(Kind.PIN, "482913")]),
        ("座机010-12345678", [(Kind.PHONE, "010-12345678")]),
    ],
)
def test_finds_personal_data_in_chinese(text: str, expected: list) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my name is on the application",
        "there's a pothole on Mill Lane near number 42",
        "the fee is £45.50 and it takes 10 working days",
        "listening on 127.0.0.1:5005, took 1234 ms, confidence 0.98765432101",
        "intent check_application_status 0.9321 entities []",
        "HO-123456 queued for team permits",
        "POST /api/v1/conversation-facts 200",
        "😀🎉 thanks so much!!! 👍🏽",
        "请问垃圾什么时候收？",
        "rasa 3.6.21 on python 3.10.14",
        "I need a passport renewal form",
    ],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    assert find_personal_data(text) == []
    assert redact(text) == text
    assert pseudonymise(text) == text


def test_placeholders_keep_the_rest_of_the_message() -> None:
    text = "Hi 👋 my name is Ann Lee, 07700 900123 / ann@example.com, born 1 May 1990 — APP-204817 🙏"
    assert redact(text) == "Hi 👋 my name is [NAME], [PHONE] / [EMAIL], born [DATE] — [APPLICATION_NUMBER] 🙏"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_do_not_hide_data(invisible: str) -> None:
    phone = invisible.join("07700900123")
    assert redact(f"call {phone} now") == "call [PHONE] now"
    assert redact(f"pin 48{invisible}2913") == "pin [PIN]"
    assert redact(f"AP{invisible}P-204817") == "[APPLICATION_NUMBER]"
    assert invisible not in redact(f"a{invisible}b")


def test_adjacent_data_without_spaces_in_chinese() -> None:
    assert redact("我叫李雷电话13912345678邮箱li.lei@example.cn") == "我叫[NAME]电话[PHONE]邮箱[EMAIL]"


def test_known_names_are_found_anywhere() -> None:
    assert redact("thanks, Ms Okonkwo will call", known_names=("Okonkwo",)) == "thanks, Ms [NAME] will call"
    citizens = ("Amira Haddad", "Ann Lee", "王小明")
    assert redact("amira haddad here; annual fee? ann lee too. 王小明来了", known_names=citizens) == (
        "[NAME] here; annual fee? [NAME] too. [NAME]来了"
    )


def test_fakes_have_the_same_shape() -> None:
    text = "I'm called Ann. my name is Ann Lee, 07700 900123, +86 139 1234 5678, ann@gmail.com, 14/03/1985, " \
           "APP-204817, SR-100231, pin 482913, AB123456C"
    fake = pseudonymise(text)
    for real in ("Ann Lee", "900123", "1234 5678", "ann@gmail.com", "14/03/1985", "204817", "100231", "482913",
                 "AB123456C"):
        assert real not in fake
    assert re.search(r"my name is [A-Z][a-z]+ [A-Z][a-z]+, 07700 900\d{3}, \+86 1\d\d \d{4} \d{4}, "
                     r"[a-z]+\.[a-z]+\d\d@example\.org, \d\d/\d\d/\d{4}, APP-\d{6}, SR-\d{6}, pin \d{6}, "
                     r"[A-Z]{2}\d{6}[A-Z]$", fake), fake
    # Everything found in the fake is of the same kinds: the fakes are realistic.
    assert [f.kind for f in find_personal_data(fake)] == [f.kind for f in find_personal_data(text)]


def test_fake_dates_are_real_dates_in_the_same_format() -> None:
    for text, pattern in [
        ("14 March 1985", r"\d{1,2} [A-Z][a-z]+ \d{4}"),
        ("Mar 14, 1985", r"[A-Z][a-z]{2} \d{1,2}, \d{4}"),
        ("1985-03-14", r"\d{4}-\d{2}-\d{2}"),
        ("1985年3月14日", r"\d{4}年\d{1,2}月\d{1,2}日"),
    ]:
        fake = pseudonymise(f"born {text}")
        assert re.fullmatch(f"born {pattern}", fake), fake
        assert fake != f"born {text}"


def test_fakes_are_stable_and_do_not_depend_on_the_real_value() -> None:
    # Stable: the same message, the same fakes (exports diff cleanly).
    assert pseudonymise("pin 482913 for APP-204817") == pseudonymise("pin 482913 for APP-204817")
    # Not derived from the value: two PINs in the same message get the same fake, so nothing can be guessed back.
    assert pseudonymise("pin 482913") == pseudonymise("pin 731055")
    # One value repeated in a message keeps one fake.
    twice = pseudonymise("APP-204817 ... yes APP-204817")
    first, second = re.findall(r"APP-\d{6}", twice)
    assert first == second
    # The context (e.g. the record) varies the fakes between records.
    assert pseudonymise("pin 482913", context="1") != pseudonymise("pin 482913", context="2")


def test_emoji_and_surrogate_free_text_survive() -> None:
    text = "👨‍👩‍👧 family 🇬🇧 07700900123 ✅"
    assert redact(text) == "👨‍👩‍👧 family 🇬🇧 [PHONE] ✅".replace("\u200d", "")


@pytest.mark.parametrize("text", ["", " ", "\n\t", "a" * 10_000, "0" * 5000, "@" * 100, "my name is " * 50])
def test_odd_input_is_handled(text: str) -> None:
    assert isinstance(redact(text), str)
    assert isinstance(pseudonymise(text), str)
