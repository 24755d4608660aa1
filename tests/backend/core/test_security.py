"""Tests of receipt-PIN hashing and service-token comparison."""

from app.core.security import dummy_pin_hash, hash_pin, tokens_match, verify_pin


def test_pin_round_trip() -> None:
    pin_hash = hash_pin("482913")
    assert verify_pin("482913", pin_hash)
    assert not verify_pin("482914", pin_hash)
    assert "482913" not in pin_hash


def test_every_hash_has_its_own_salt() -> None:
    assert hash_pin("482913") != hash_pin("482913")


def test_malformed_or_foreign_hashes_never_match() -> None:
    assert not verify_pin("482913", "")
    assert not verify_pin("482913", "plain$482913")
    assert not verify_pin("482913", "bcrypt$1$2$3$c2FsdA==$a2V5")
    assert not verify_pin("482913", "scrypt$x$8$1$c2FsdA==$a2V5")


def test_dummy_hash_is_stable_and_matches_no_pin() -> None:
    assert dummy_pin_hash() == dummy_pin_hash()
    assert not verify_pin("000000", dummy_pin_hash())


def test_tokens_match() -> None:
    assert tokens_match("dev-service-token", "dev-service-token")
    assert not tokens_match("dev-service-token ", "dev-service-token")
    assert not tokens_match("", "dev-service-token")
    assert not tokens_match("tökén", "dev-service-token")
