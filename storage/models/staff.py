"""The staff register and the duty roster. Staff are task-force members, never reporters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Staff(Base):
    """A registered task-force member; removed members keep their row (history names them)."""

    __tablename__ = "staff"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="member")  # member|coordinator
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RosterShift(Base):
    """One line of the imported duty roster (times are local, in TIMEZONE)."""

    __tablename__ = "roster_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[str] = mapped_column(String(8))  # mon..sun, daily
    start: Mapped[str] = mapped_column(String(5))  # HH:MM
    end: Mapped[str] = mapped_column(String(5))
    role: Mapped[str] = mapped_column(String(8))  # primary|backup
    line: Mapped[int] = mapped_column(Integer)


class DutyOverride(Base):
    """Someone took duty for a while with /piket ambil (covering a colleague)."""

    __tablename__ = "duty_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_duty_overrides_ends", "ends_at"),)
