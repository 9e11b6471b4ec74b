"""Triage records: the append-only audit log, internal notes, referrals and flood digests.

The audit log holds who did what and when, never report content: the database itself refuses
to change or delete its rows (triggers created by migration 0003).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class AuditEntry(Base):
    """One staff or system action, viewing included: who, what, when. Append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A staff member's Telegram user id, or "system", "reporter", "operator".
    actor: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(64))  # as registered at the time
    action: Mapped[str] = mapped_column(String(32))
    ticket_ref: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_log_ticket", "ticket_ref", "id"),)


class TicketNote(Base):
    """An internal note on a ticket: for staff only, never sent to a reporter."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_ref: Mapped[str] = mapped_column(String(16), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)


class ReferralRow(Base):
    """A ticket referred to an agency, with the date and, once known, the outcome."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_ref: Mapped[str] = mapped_column(String(16), index=True)
    agency: Mapped[str] = mapped_column(String(16))
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    referred_by: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DigestItem(Base):
    """A line waiting for the staff group's next flood digest (a card it did not get)."""

    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_ref: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # new | overdue
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_digest_items_waiting", "posted_at", "id"),)
