"""Canonical forms of the numbers citizens type: APP-204817, SR-100231, HO-000001."""

import re
import unicodedata

from app.free_text import clean_free_text

_APPLICATION_NUMBER = re.compile(r"^\s*APP[\s-]?([0-9]{6})\s*$", re.IGNORECASE)
_REQUEST_NUMBER = re.compile(r"^\s*SR[\s-]?([0-9]{6})\s*$", re.IGNORECASE)

# Numbers from 900000 up are never issued, so tests and demos can use them
# as numbers that certainly do not exist.
FIRST_RESERVED_NUMBER = 900_000


def _folded(text: str) -> str:
    # NFKC turns full-width letters and digits (typed with CJK input methods)
    # into ASCII; other scripts' digits stay and do not match [0-9]. Pasted
    # numbers can carry invisible characters, which are dropped.
    return clean_free_text(unicodedata.normalize("NFKC", text))


def normalise_application_number(text: str) -> str | None:
    """`app 204817` -> `APP-204817`; None when it is not an application number."""
    match = _APPLICATION_NUMBER.match(_folded(text))
    return f"APP-{match.group(1)}" if match else None


def normalise_request_number(text: str) -> str | None:
    """`sr100231` -> `SR-100231`; None when it is not a service-request number."""
    match = _REQUEST_NUMBER.match(_folded(text))
    return f"SR-{match.group(1)}" if match else None


def format_request_number(sequence: int) -> str:
    return f"SR-{sequence:06d}"


def format_handoff_reference(sequence: int) -> str:
    return f"HO-{sequence:06d}"


def sequence_of(number: str) -> int:
    """The numeric part of any `PREFIX-000123` identifier."""
    return int(number.rsplit("-", 1)[1])
