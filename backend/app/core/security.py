"""Service-token checks and receipt-PIN hashing, all compared in constant time."""

import base64
import functools
import hashlib
import hmac
import secrets

# scrypt cost: about 50-100 ms per check on one core, which makes guessing
# a 6-digit PIN offline slow and online lookups still cheap enough.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_KEY_LENGTH = 32


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=_KEY_LENGTH)


def hash_pin(pin: str) -> str:
    """Hash a receipt PIN with a fresh salt as `scrypt$n$r$p$salt$key` (base64 parts)."""
    salt = secrets.token_bytes(16)
    key = _scrypt(pin, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when `pin` matches `pin_hash`; the parameters come from the stored hash."""
    try:
        scheme, n, r, p, salt, key = pin_hash.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def dummy_pin_hash() -> str:
    """A hash no PIN matches, checked when an application number is unknown.

    A lookup then costs the same whether the number exists or not, so the
    response time does not tell a guesser which numbers are real.
    """
    return hash_pin(secrets.token_hex(8))


def tokens_match(presented: str, expected: str) -> bool:
    """Compare a presented bearer token with the configured one in constant time."""
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))
