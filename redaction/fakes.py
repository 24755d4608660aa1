"""Realistic fake values of the same shape as the personal data they replace.

A fake is drawn from a seed that never depends on the real value (only on
the text around it with the real values already blanked out, the kind and
the position), so the same message always gets the same fakes (stable
exports, reviewable diffs) and a fake says nothing about the real value:
guessing a 6-digit PIN back from its fake is impossible, not 1 in a million.
Phones use the ranges reserved for drama (UK 07700 900xxx); e-mails use
example.org.
"""

from __future__ import annotations

import hashlib
import random
import re

from redaction.detectors import Kind

_FIRST_NAMES = ["Alex", "Sam", "Jordan", "Robin", "Morgan", "Casey", "Jamie", "Taylor", "Riley", "Avery"]
_LAST_NAMES = ["Carter", "Hughes", "Patel", "Murray", "Ellis", "Walsh", "Brennan", "Foster", "Kaur", "Lowe"]
_HAN_SURNAMES = "王李张刘陈杨赵黄周吴"
_HAN_GIVEN = "明华军芳静磊洋婷伟敏"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def seeded(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def fake_value(kind: Kind, original: str, rng: random.Random) -> str:
    if kind is Kind.NAME:
        return _fake_name(original, rng)
    if kind is Kind.EMAIL:
        first, last = rng.choice(_FIRST_NAMES).lower(), rng.choice(_LAST_NAMES).lower()
        return f"{first}.{last}{rng.randrange(10, 99)}@example.org"
    if kind is Kind.DATE:
        return _fake_date(original, rng)
    if kind is Kind.PHONE:
        return _pour(original, _fake_phone_digits(original, rng))
    # Application and request numbers keep their prefix; ID numbers and PINs change every character.
    keep_letters = kind in (Kind.APPLICATION_NUMBER, Kind.REQUEST_NUMBER)
    return "".join(_fake_character(ch, rng, keep_letters) for ch in original)


def _fake_character(ch: str, rng: random.Random, keep_letters: bool) -> str:
    if ch.isdigit():
        return str(rng.randrange(10))
    if ch.isascii() and ch.isalpha() and not keep_letters:
        letter = chr(ord("A") + rng.randrange(26))
        return letter if ch.isupper() else letter.lower()
    return ch


def _pour(original: str, digits: str) -> str:
    """`digits` laid into the original's layout: its separators kept, its digits replaced in order."""
    out, source = [], iter(digits)
    for ch in original:
        out.append(next(source, "0") if ch.isdigit() else ch)
    return "".join(out)


def _fake_phone_digits(original: str, rng: random.Random) -> str:
    digits = "".join(str(int(ch)) for ch in original if ch.isdigit())
    tail = "".join(str(rng.randrange(10)) for _ in range(len(digits)))
    if digits.startswith("447"):
        template = "447700900"
    elif digits.startswith("00447"):
        template = "00447700900"
    elif digits.startswith("07"):
        template = "07700900"
    elif digits.startswith("861") or digits.startswith("00861"):
        template = digits[: digits.index("861") + 3]
    elif digits.startswith("1"):
        template = "1"  # a Chinese mobile keeps its leading 1
    else:
        template = digits[: min(3, len(digits) - 6)]  # country code or trunk prefix and area start
    return (template + tail)[: len(digits)]


def _fake_name(original: str, rng: random.Random) -> str:
    if re.search(r"[\u4e00-\u9fff]", original):
        return rng.choice(_HAN_SURNAMES) + "".join(rng.choice(_HAN_GIVEN) for _ in range(max(1, len(original) - 1)))
    words = original.split()
    fake = [rng.choice(_FIRST_NAMES)] + [rng.choice(_LAST_NAMES) for _ in words[1:]]
    if original.islower():
        return " ".join(fake).lower()
    return " ".join(fake)


def _fake_date(original: str, rng: random.Random) -> str:
    year, month, day = rng.randrange(1940, 2006), rng.randrange(1, 13), rng.randrange(1, 29)
    month_name = re.search(r"[A-Za-z]{3,}", original)
    original = "".join(str(int(ch)) if ch.isdigit() else ch for ch in original)  # fullwidth digits
    groups = list(re.finditer(r"\d+", original))
    if not groups:
        return original
    if month_name:  # "14 March 1985", "Mar 14, 1985" (ordinal suffixes are shorter than a month)
        name = _MONTHS[month - 1]
        written = name[: len(month_name.group(0))] if len(month_name.group(0)) <= 4 else name
        written = written.upper() if month_name.group(0).isupper() else written
        written = written.lower() if month_name.group(0).islower() else written
        original = original[: month_name.start()] + written + original[month_name.end() :]
        groups = list(re.finditer(r"\d+", original))
        roles = ["day", "year"]  # "14 March 1985" and "March 14, 1985" alike
    elif len(groups[0].group(0)) == 4:
        roles = ["year", "month", "day"]
    else:
        roles = ["day", "month", "year"]
    values = {"year": year, "month": month, "day": day}
    out, last = [], 0
    for group, role in zip(groups, roles, strict=False):
        width = len(group.group(0))
        value = values[role] % 100 if role == "year" and width == 2 else values[role]
        out.append(original[last : group.start()] + str(value).zfill(width if width <= 2 or role == "year" else 1))
        last = group.end()
    return "".join(out) + original[last:]
