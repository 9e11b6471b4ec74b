"""Per-reporter abuse limits, keyed by the HMAC pseudonym (never a Telegram id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class ReporterLimit(Base):
    """A reporter's token bucket and hourly report count; deleted once idle for an hour.

    Shared by every worker process through the database (the worker holds one chat at a time).
    """

    __tablename__ = "reporter_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when `tokens` was last refilled
    reports: Mapped[int] = mapped_column(Integer)  # new reports since `window_at`
    window_at: Mapped[datetime] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the one notice, when sent

    __table_args__ = (Index("ix_reporter_limits_at", "at"),)
