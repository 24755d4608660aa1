"""Tests of Open311 API keys: issued once, kept as hashes, revoked by admins, managed from the command line."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.manage import BACKEND_DIR
from app.models import Open311Client
from app.open311 import api_keys

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def test_a_key_is_shown_once_and_stored_only_as_a_hash(db: Session) -> None:
    client, key = api_keys.create_api_key(session=db, name="FixMyStreet Northbridge", created_by="admin", now=NOW)
    assert key.startswith(api_keys.KEY_PREFIX) and len(key) > 40
    stored = db.scalar(select(Open311Client).where(Open311Client.id == client.id))
    assert stored is not None
    assert key not in (stored.key_hash, stored.name) and stored.key_hash == api_keys.hash_api_key(key)
    assert stored.key_prefix == key[:12] and stored.created_by == "admin"
    assert api_keys.find_client_for_key(session=db, api_key=key) == stored
    _, other = api_keys.create_api_key(session=db, name="FixMyStreet Northbridge", created_by="admin", now=NOW)
    assert other != key


def test_revoked_unknown_and_oversized_keys_find_nobody(db: Session) -> None:
    client, key = api_keys.create_api_key(session=db, name="Old app", created_by="admin", now=NOW)
    revoked = api_keys.revoke_api_key(session=db, client_id=client.id, revoked_by="supervisor", now=NOW)
    assert (revoked.revoked_at, revoked.revoked_by) == (NOW, "supervisor")
    # Revoking again keeps the first revocation.
    api_keys.revoke_api_key(session=db, client_id=client.id, revoked_by="someone else", now=datetime.now(UTC))
    assert (revoked.revoked_at, revoked.revoked_by) == (NOW, "supervisor")
    for candidate in (key, "", "o311_guess", "k" * 10_000):
        assert api_keys.find_client_for_key(session=db, api_key=candidate) is None
    with pytest.raises(api_keys.UnknownApiKey):
        api_keys.revoke_api_key(session=db, client_id=999_999, revoked_by="x", now=NOW)


def test_the_demo_key_works_only_outside_production(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    assert api_keys.find_client_for_key(session=db, api_key=api_keys.DEMO_API_KEY) is not None
    monkeypatch.setattr(settings, "ENVIRONMENT", "production")
    assert api_keys.find_client_for_key(session=db, api_key=api_keys.DEMO_API_KEY) is None


def test_operator_command_creates_lists_and_revokes(fresh_database: tuple[Engine, str]) -> None:
    engine, url = fresh_database
    environment = {**os.environ, "DATABASE_URL": url}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.manage", *args],
            cwd=BACKEND_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert manage("migrate").returncode == 0
    created = manage("open311-key", "create", "--name", "FixMyStreet Northbridge", "--by", "admin")
    assert created.returncode == 0, created.stderr
    prefix, key = created.stdout.strip().split(": ")
    assert prefix == "client 1 (FixMyStreet Northbridge)" and key.startswith("o311_")
    assert key not in created.stderr
    listed = manage("open311-key", "list")
    assert listed.stdout.strip() == f"1\t{key[:12]}…\tactive\tFixMyStreet Northbridge"
    assert key not in listed.stdout
    assert manage("open311-key", "revoke", "1", "--by", "admin").returncode == 0
    assert "\trevoked " in manage("open311-key", "list").stdout
    unknown = manage("open311-key", "revoke", "42")
    assert unknown.returncode != 0 and "No Open311 client has the id 42." in unknown.stderr
    with Session(engine) as session:
        assert api_keys.find_client_for_key(session=session, api_key=key) is None
