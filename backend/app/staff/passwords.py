"""Staff passwords, hashed with argon2id (argon2-cffi's recommended parameters)."""

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's; rehash at the next sign-in."""
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def unknown_user_hash() -> str:
    """A hash checked when the username is unknown, so a sign-in takes as long either way."""
    return _hasher.hash("no-such-staff-member-" + "x" * 16)
