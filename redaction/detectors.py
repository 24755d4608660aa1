"""Where a text holds citizens' personal data: each finding is a kind and a span.

Plain regular expressions over the text as written, in English and Chinese.
Chinese has no spaces, so number patterns are bounded by "no digit/letter
beside it" rather than by word boundaries (a Han character counts as a word
character for `\\b`). Fullwidth digits (０-９) count as digits; zero-width
characters are removed by `strip_invisible` before anything is looked for,
so "07700\\u200b900123" is still a phone number.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    EMAIL = "EMAIL"
    APPLICATION_NUMBER = "APPLICATION_NUMBER"
    REQUEST_NUMBER = "REQUEST_NUMBER"
    ID_NUMBER = "ID_NUMBER"
    DATE = "DATE"
    PHONE = "PHONE"
    PIN = "PIN"
    NAME = "NAME"


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int
    text: str


# Zero-width space/joiners, word joiner, BOM, soft hyphen: invisible, but they split patterns.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

D = "[0-9\uff10-\uff19]"  # a digit, ASCII or fullwidth
_NOT_BEFORE = r"(?<![0-9A-Za-z\uff10-\uff19_+\-/.@])"
_NOT_AFTER = r"(?![0-9A-Za-z\uff10-\uff19_@])"

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

# Order matters: an earlier kind wins where two findings overlap (an e-mail's digits are not a PIN).
_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    (
        Kind.EMAIL,
        re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"),
    ),
    (Kind.APPLICATION_NUMBER, re.compile(rf"(?<![A-Za-z0-9])APP[-\s]?{D}{{6}}(?!{D})", re.IGNORECASE)),
    (Kind.REQUEST_NUMBER, re.compile(rf"(?<![A-Za-z0-9])SR[-\s]?{D}{{6}}(?!{D})", re.IGNORECASE)),
    # China resident identity card (18: 17 digits and a digit or X); UK National Insurance number;
    # a passport number after the word.
    (Kind.ID_NUMBER, re.compile(rf"{_NOT_BEFORE}{D}{{17}}[0-9Xx]{_NOT_AFTER}")),
    (
        Kind.ID_NUMBER,
        re.compile(
            r"(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D](?![A-Za-z0-9])",
            re.IGNORECASE,
        ),
    ),
    (
        Kind.ID_NUMBER,
        re.compile(
            r"passport\s+(?:number\s+|no\.?\s*|#\s*)?(?P<v>(?=[A-Z]{0,3}[0-9])[A-Z0-9]{6,9})(?![A-Za-z0-9])",
            re.IGNORECASE,
        ),
    ),
    (
        Kind.DATE,
        re.compile(
            rf"{_NOT_BEFORE}(?:"
            rf"{D}{{4}}[-/.]{D}{{1,2}}[-/.]{D}{{1,2}}"  # 1985-03-14
            rf"|{D}{{1,2}}[/-]{D}{{1,2}}[/-](?:{D}{{4}}|{D}{{2}})"  # 14/03/1985, 14-3-85
            rf"|{D}{{1,2}}\.{D}{{1,2}}\.{D}{{4}}"  # 14.03.1985 (not 3.6.21, a version)
            rf"|{D}{{4}}\s?年\s?{D}{{1,2}}\s?月\s?{D}{{1,2}}\s?[日号]"  # 1985年3月14日
            rf"|{D}{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+{D}{{2,4}}"  # 14 March 1985
            rf"|(?:{_MONTHS})\.?\s+{D}{{1,2}}(?:st|nd|rd|th)?,?\s+{D}{{4}}"  # March 14, 1985
            rf"){_NOT_AFTER}",
            re.IGNORECASE,
        ),
    ),
    # Candidates for phone numbers; `_is_phone` decides by counting digits.
    (Kind.PHONE, re.compile(rf"{_NOT_BEFORE}(?:\+|00)?\(?{D}(?:[\s()\-]{{0,2}}{D}){{6,16}}{_NOT_AFTER}")),
    # A PIN named as one, or six digits standing alone (the receipt PIN, typed as the form asks).
    (
        Kind.PIN,
        re.compile(
            rf"(?<![A-Za-z])pin(?:\s*(?:code|number|no\.?))?\s*(?:is|:|=)?\s*(?P<v>{D}{{4,8}}){_NOT_AFTER}"
            rf"|(?:密码|验证码)[:：是为\s]*(?P<w>{D}{{4,8}})(?!{D})"
            rf"|{_NOT_BEFORE}(?<!:){D}{{6}}{_NOT_AFTER}",
            re.IGNORECASE,
        ),
    ),
]

# Words that follow "my name is" but are not a name ("my name is on the application").
_NOT_NAMES = {
    "on", "in", "not", "the", "a", "an", "and", "but", "missing", "wrong", "spelt", "spelled", "already",
    "still", "there", "here", "listed", "under", "correct", "incorrect", "is", "was", "also", "just",
}
_NAME_INTRO = re.compile(
    r"(?:\bmy (?:full |first |last |sur)?name(?:'s| is)|\bi am called|\bi'm called|\bcall me|\bthis is|"
    r"\bname:|\bsigned,?)\s+",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_HAN_NAME = re.compile(
    r"(?:我叫|我的名字是|我的名字叫|本人|我姓)\s*([\u4e00-\u9fff·]{1,4}?)"
    r"(?=[，,。.！!？?\s]|$|我|的|想|要|在|是|电话|手机)"
)


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def _digits(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


def _is_phone(value: str) -> bool:
    """UK, Chinese and international numbers; other digit runs (amounts, times, ids) are not phones."""
    digits = "".join(str(int(ch)) for ch in value if ch.isdigit())
    if value.startswith("+") or value.startswith("00"):
        return 8 <= len(digits) - (2 if value.startswith("00") else 0) <= 15
    if digits.startswith("0"):
        return 10 <= len(digits) <= 12  # UK 0xxxx xxxxxx, Chinese landline 0xx-xxxxxxxx
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"  # Chinese mobile


def _names(text: str) -> list[Finding]:
    found = []
    for intro in _NAME_INTRO.finditer(text):
        words, position = [], intro.end()
        while len(words) < 3:
            match = _NAME_WORD.match(text, position)
            if not match or match.group(0).lower() in _NOT_NAMES:
                break
            # After the first word, only capitalised words continue a name ("John Smith", not "John please").
            if words and not match.group(0)[0].isupper():
                break
            words.append(match)
            gap = re.match(r"[ \t]+", text[match.end():])
            if not gap:
                break
            position = match.end() + gap.end()
        if words and not (intro.group(0).lower().startswith("this is") and not words[0].group(0)[0].isupper()):
            found.append(Finding(Kind.NAME, words[0].start(), words[-1].end(), text[words[0].start():words[-1].end()]))
    for match in _HAN_NAME.finditer(text):
        if match.group(1):
            found.append(Finding(Kind.NAME, match.start(1), match.end(1), match.group(1)))
    return found


def find_personal_data(text: str, known_names: tuple[str, ...] = ()) -> list[Finding]:
    """Every piece of personal data in `text`, in order, without overlaps (earlier kinds win)."""
    taken: list[Finding] = []

    def add(finding: Finding) -> None:
        if finding.end > finding.start and all(finding.end <= t.start or finding.start >= t.end for t in taken):
            taken.append(finding)

    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            # A pattern that names its value (group v or w) finds only that part: "PIN 4829" -> "4829".
            group = next((g for g in ("v", "w") if g in pattern.groupindex and match.group(g)), 0)
            value, start = match.group(group), match.start(group)
            if kind is Kind.PHONE and not _is_phone(value):
                continue
            add(Finding(kind, start, start + len(value), value))
    for finding in _names(text):
        add(finding)
    if known_names:
        for match in _known_names_pattern(tuple(known_names)).finditer(text):
            add(Finding(Kind.NAME, match.start(), match.end(), match.group(0)))
    return sorted(taken, key=lambda f: f.start)


@functools.lru_cache(maxsize=8)
def _known_names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for many names (e.g. every citizen on record), longest first, never inside a longer word."""
    spelled = sorted({name.strip() for name in names if len(name.strip()) >= 2}, key=len, reverse=True)
    if not spelled:
        return re.compile(r"(?!)")
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, spelled)) + r")(?![A-Za-z])", re.IGNORECASE)
