"""Phone numbers in one canonical form (E.164, e.g. +447700900010), as Twilio gives them."""

import re

import phonenumbers

# What Twilio sends as From/To for a phone number: "+", country code, subscriber number.
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
_E164 = re.compile(E164_PATTERN)


def is_e164(value: str) -> bool:
    return bool(_E164.match(value))


def normalise_phone(raw: str | None, *, default_region: str) -> str | None:
    """`07700 900010` (in `default_region`) or `+44 7700 900010` -> `+447700900010`; None if unusable.

    Citizens' records keep numbers as they were written down, mostly in the
    national format of the city; comparing them with Twilio's E.164 numbers
    needs the region they were written in.
    """
    if not raw:
        return None
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
