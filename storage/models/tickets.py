"""Tickets and their append-only audit trail. A ticket holds no identity of the reporter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Ticket(Base):
    """A filed report. Holds no identity of the reporter."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    child: Mapped[bool] = mapped_column(Boolean, default=False)
    in_malaysia: Mapped[bool] = mapped_column(Boolean, default=False)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    # Triage (staff user ids, never a reporter's): who holds it, first acknowledgment, closing,
    # and where it was routed and how far it escalated (flows.domain.duty.routing.Routing as JSON).
    assignee_id: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(BigInteger)
    routing: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Retention: a held ticket keeps its content past RETENTION_DAYS; `purged_at` says when the
    # content was deleted (the row stays for the statistics).
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_tickets_status", "status", "created_at"),)


class TicketEvent(Base):
    """Append-only audit trail of a ticket (the database refuses updates and deletes)."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))  # "reporter", "system" or a staff id
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
