"""The case-system link: outbound events, what the case system knows of each ticket, inbound
webhook ids seen, and the endpoint's state.

Kept apart from the Telegram outbox on purpose: that table's claim is tuned for Telegram
(per-chat order, rate limits, prompts that replace each other) and its dispatcher must never
pick up a case event; these rows have their own order (per ticket), schedule and dispatcher.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class CaseEvent(Base):
    """One outbound event, committed with the ticket change that caused it.

    `payload` is the JSON body sealed with DATA_KEY (it carries report content) and erased once
    the case system has accepted it; `webhook_id` stays the same for every attempt.
    """

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)
    ticket_ref: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(32))
    # The ticket status this event tells (reconcile compares it with the case system's).
    ticket_status: Mapped[str | None] = mapped_column(String(16))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[int | None] = mapped_column(BigInteger)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_code: Mapped[int | None] = mapped_column(Integer)  # HTTP status of the last attempt
    error: Mapped[str | None] = mapped_column(String(120))  # what failed, never content

    __table_args__ = (
        Index("ix_case_events_ticket", "ticket_ref", "status", "id"),
        Index("ix_case_events_due", "status", "next_attempt_at"),
    )


class CaseLink(Base):
    """What the case system has been told and has told us about one ticket.

    `fingerprint` holds a short hash per event field (never the values), so that a change is
    noticed and named without keeping a copy of the report.
    """

    __tablename__ = "case_links"

    ticket_ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    fingerprint: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_status: Mapped[str | None] = mapped_column(String(16))  # last status we queued
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 2xx for created
    case_status: Mapped[str | None] = mapped_column(String(16))  # last status they sent
    case_id: Mapped[str | None] = mapped_column(String(64))
    case_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseInbound(Base):
    """A `webhook-id` the case system sent us: a repeat within 7 days is a no-op."""

    __tablename__ = "case_inbound"

    webhook_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CaseState(Base):
    """Small named facts about the link, e.g. `disabled` (the endpoint answered 410)."""

    __tablename__ = "case_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
