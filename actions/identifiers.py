"""Parsing what citizens type into canonical identifiers (contract table "Identifiers citizens type")."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Optional, Tuple

# Hyphen, and the dashes phones and word processors substitute for it.
_DASH = r"[\-\u2010-\u2015\u2212]"
_APPLICATION_NUMBER = re.compile(rf"(?<![a-z0-9])app(?:\s|{_DASH}){{0,2}}(\d{{6}})(?!\d)", re.IGNORECASE)
_REQUEST_NUMBER = re.compile(rf"(?<![a-z0-9])sr(?:\s|{_DASH}){{0,2}}(\d{{6}})(?!\d)", re.IGNORECASE)
_PIN = re.compile(r"(?<![a-z0-9])(\d{3}) ?(\d{3})(?![a-z0-9])", re.IGNORECASE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINAL = r"(?:st|nd|rd|th)?"
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# Day first: the city writes 14/03/1985 for 14 March. The same separator twice.
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
# Chinese: year, month, day - 1985年3月14日 (or 号 for 日).
_CHINESE_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?!\d)")
_MONTH_DAY_YEAR = re.compile(rf"(?<![a-z])([a-z]+)\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})(?!\d)", re.IGNORECASE)


def _prepare(text: str) -> str:
    # NFKC turns full-width digits and letters (common on phone keyboards) into ASCII.
    text = unicodedata.normalize("NFKC", str(text))[:500]
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n")


def _single(values: set) -> Optional[str]:
    """One distinct candidate, or None: guessing between two numbers would be worse than asking again."""
    return next(iter(values)) if len(values) == 1 else None


def normalise_application_number(text: str) -> Optional[str]:
    """'app 204817' -> 'APP-204817'; None if the text holds no (or more than one) application number."""
    return _single({f"APP-{m.group(1)}" for m in _APPLICATION_NUMBER.finditer(_prepare(text))})


def normalise_request_number(text: str) -> Optional[str]:
    """'sr100231' -> 'SR-100231'; None if the text holds no (or more than one) request number."""
    return _single({f"SR-{m.group(1)}" for m in _REQUEST_NUMBER.finditer(_prepare(text))})


def _valid_birth_date(year: str, month: int, day: str, today: dt.date) -> Optional[str]:
    try:
        date = dt.date(int(year), month, int(day))
    except ValueError:
        return None
    return date.isoformat() if dt.date(1900, 1, 1) <= date <= today else None


def parse_date_of_birth(text: str, *, today: Optional[dt.date] = None) -> Optional[str]:
    """A date of birth in any accepted format, as an ISO date; None if absent, ambiguous or impossible."""
    text, today = _prepare(text), today or dt.date.today()
    found = set()
    for m in _ISO_DATE.finditer(text):
        found.add(_valid_birth_date(m.group(1), int(m.group(2)), m.group(3), today))
    for m in _NUMERIC_DATE.finditer(text):
        found.add(_valid_birth_date(m.group(4), int(m.group(3)), m.group(1), today))
    for m in _CHINESE_DATE.finditer(text):
        found.add(_valid_birth_date(m.group(1), int(m.group(2)), m.group(3), today))
    for m in _DAY_MONTH_YEAR.finditer(text):
        if m.group(2).lower() in _MONTHS:
            found.add(_valid_birth_date(m.group(3), _MONTHS[m.group(2).lower()], m.group(1), today))
    for m in _MONTH_DAY_YEAR.finditer(text):
        if m.group(1).lower() in _MONTHS:
            found.add(_valid_birth_date(m.group(3), _MONTHS[m.group(1).lower()], m.group(2), today))
    if None in found:
        # "31/02/1985" or a future date: do not fall back to another reading of the text.
        return None
    return _single(found)


def parse_pin(text: str) -> Optional[str]:
    """The 6-digit receipt PIN ('482913' or '482 913'); digits inside APP-/SR- numbers do not count."""
    text = _REQUEST_NUMBER.sub(" ", _APPLICATION_NUMBER.sub(" ", _prepare(text)))
    return _single({m.group(1) + m.group(2) for m in _PIN.finditer(text)})


def parse_identity_proof(text: str) -> Optional[str]:
    """'dob:1985-03-14' or 'pin:482913' (the stored form of the identity_proof slot), else None."""
    date_of_birth = parse_date_of_birth(text)
    if date_of_birth:
        return f"dob:{date_of_birth}"
    pin = parse_pin(text)
    return f"pin:{pin}" if pin else None


# The identity_proof slot's value when the SMS sender's number matched the
# applicant's: the number itself stays in the message metadata, out of slots.
SMS_PHONE_PROOF = "phone:sms"


def split_identity_proof(value: Optional[str]) -> Optional[Tuple[str, str]]:
    """('date_of_birth', '1985-03-14'), ('pin', '482913') or ('phone', 'sms') from the slot; None if malformed."""
    if value == SMS_PHONE_PROOF:
        return "phone", "sms"
    kind, _, proof = (value or "").partition(":")
    if kind == "dob" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", proof):
        return "date_of_birth", proof
    if kind == "pin" and re.fullmatch(r"\d{6}", proof):
        return "pin", proof
    return None
