"""API keys of Open311 clients: created and revoked by admins, kept only as hashes, checked on every filing."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.models import Open311Client

KEY_PREFIX = "o311_"
# The embedded default's demo key, printed in the README; refused in production.
DEMO_API_KEY = "northbridge-demo-open311-key"
DEMO_CLIENT_NAME = "Northbridge demo client"
_LONGEST_KEY = 200


class UnknownApiKey(LookupError):
    pass


def hash_api_key(api_key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: nobody can guess
    # one from its hash, and every filing pays microseconds, not scrypt's 50 ms.
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def create_api_key(*, session: Session, name: str, created_by: str, now: datetime) -> tuple[Open311Client, str]:
    """A new client and its key; the key is returned once and never stored."""
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(
        name=name,
        key_prefix=api_key[:12],
        key_hash=hash_api_key(api_key),
        created_at=now,
        created_by=created_by,
    )
    session.add(client)
    session.commit()
    return client, api_key


def revoke_api_key(*, session: Session, client_id: int, revoked_by: str, now: datetime) -> Open311Client:
    """Refuse the client's key from now on; revoking twice keeps the first revocation."""
    client = session.get(Open311Client, client_id)
    if client is None:
        raise UnknownApiKey(f"No Open311 client has the id {client_id}.")
    if client.revoked_at is None:
        client.revoked_at = now
        client.revoked_by = revoked_by
        session.commit()
    return client


def list_api_keys(*, session: Session) -> list[Open311Client]:
    return list(session.scalars(select(Open311Client).order_by(Open311Client.id)))


def find_client_for_key(*, session: Session, api_key: str) -> Open311Client | None:
    """The client whose live key this is, or None for an unknown, revoked or (in production) demo key."""
    if not api_key or len(api_key) > _LONGEST_KEY:
        return None
    if settings.ENVIRONMENT == "production" and secrets.compare_digest(api_key, DEMO_API_KEY):
        return None
    return session.scalar(
        select(Open311Client).where(Open311Client.key_hash == hash_api_key(api_key), Open311Client.revoked_at.is_(None))
    )


def ensure_demo_client(*, session: Session, now: datetime) -> Open311Client:
    """The demo city's client with the README's key (seed-demo; never in production)."""
    key_hash = hash_api_key(DEMO_API_KEY)
    client = session.scalar(select(Open311Client).where(Open311Client.key_hash == key_hash))
    if client is None:
        client = Open311Client(
            name=DEMO_CLIENT_NAME,
            key_prefix=DEMO_API_KEY[:12],
            key_hash=key_hash,
            created_at=now,
            created_by="seed-demo",
        )
        session.add(client)
        session.flush()
    return client
