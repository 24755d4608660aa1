"""The audit log: one entry per view of a citizen's case record and per change staff make."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import utc_now
from app.staff.models import AuditLogEntry, StaffUser


def record(
    *,
    session: Session,
    staff_user: StaffUser | None,
    action: str,
    object_type: str,
    object_ref: str,
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditLogEntry:
    """Add an entry to the session (committed with the caller's work, or on its own)."""
    entry = AuditLogEntry(
        occurred_at=utc_now(),
        staff_user_id=staff_user.id if staff_user else None,
        actor=actor or (staff_user.username if staff_user else "system"),
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        detail=detail or {},
    )
    session.add(entry)
    return entry


def entries(
    *, session: Session, object_ref: str | None = None, staff_user_id: int | None = None, limit: int = 200
) -> list[AuditLogEntry]:
    query = select(AuditLogEntry).order_by(AuditLogEntry.occurred_at.desc(), AuditLogEntry.id.desc()).limit(limit)
    if object_ref is not None:
        query = query.where(AuditLogEntry.object_ref == object_ref)
    if staff_user_id is not None:
        query = query.where(AuditLogEntry.staff_user_id == staff_user_id)
    return list(session.scalars(query))
