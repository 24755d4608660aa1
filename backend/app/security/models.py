"""Tables of the guessing limits (used when Redis is not configured)."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, UTCDateTime


class ThrottleFailure(Base):
    """One failed attempt counted against one key (a keyed hash; never the phone or number itself)."""

    __tablename__ = "throttle_failure"
    __table_args__ = (Index("ix_throttle_failure_lookup", "limit_name", "key_digest", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    limit_name: Mapped[str] = mapped_column(String(32))
    key_digest: Mapped[str] = mapped_column(String(40))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
