"""Tests of the models' storage rules: aware UTC datetimes and check constraints."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from app.models import ServiceRequest
from tests.backend.factories import create_service_request


def test_datetimes_come_back_aware_in_utc(db: Session) -> None:
    request = create_service_request(db)
    request.updated_at = datetime(2026, 3, 16, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    db.commit()
    db.expire_all()
    stored = db.scalar(select(ServiceRequest).where(ServiceRequest.id == request.id))
    assert stored is not None
    assert stored.updated_at == datetime(2026, 3, 16, 12, 30, tzinfo=UTC)
    assert stored.updated_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(db: Session) -> None:
    request = create_service_request(db)
    request.updated_at = datetime(2026, 3, 16, 14, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        db.flush()


def test_unknown_status_is_refused_by_the_database(db: Session) -> None:
    request = create_service_request(db)
    request.status = "lost"
    with pytest.raises(IntegrityError):
        db.flush()
