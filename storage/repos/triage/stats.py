"""Aggregates of tickets for /metrics: counts by status, overdue, escalations, time to ack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.ticket import TicketStatus
from storage.models import AuditEntry, Ticket
from storage.repos import sql

# Upper bounds (seconds) of the time-to-acknowledge histogram: a minute to a day.
ACK_BUCKETS = (60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 43200.0, 86400.0)


@dataclass(frozen=True)
class TicketStats:
    """Tickets by status, those past their acknowledgment deadline, escalation steps taken,
    and the time to acknowledge as cumulative bucket counts (`ACK_BUCKETS`), count and sum."""

    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    escalations: int = 0
    ack_buckets: tuple[int, ...] = ()
    ack_count: int = 0
    ack_sum: float = 0.0


def _seconds_to_ack(session: AsyncSession) -> ColumnElement[float]:
    """acknowledged_at - created_at in seconds, in the database's own date arithmetic."""
    if sql.dialect(session) == "sqlite":
        days = func.julianday(Ticket.acknowledged_at) - func.julianday(Ticket.created_at)
        return cast(days * 86400.0, Float)
    return cast(func.extract("epoch", Ticket.acknowledged_at - Ticket.created_at), Float)


async def collect(session: AsyncSession, now: datetime) -> TicketStats:
    """Four aggregate queries; no ticket's content is read."""
    by_status = {
        str(status): int(count)
        for status, count in await session.execute(
            select(Ticket.status, func.count()).group_by(Ticket.status)
        )
    }
    overdue = await session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(
            and_(
                Ticket.status == TicketStatus.NEW.value,
                Ticket.acknowledged_at.is_(None),
                Ticket.ack_due_at < now,
            )
        )
    )
    escalations = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "escalated")
    )
    took = _seconds_to_ack(session)
    columns: list[ColumnElement[Any]] = [func.count(), func.coalesce(func.sum(took), 0.0)]
    columns += [
        func.coalesce(func.sum(case((took <= bound, 1), else_=0)), 0) for bound in ACK_BUCKETS
    ]
    row = (await session.execute(select(*columns).where(Ticket.acknowledged_at.is_not(None)))).one()
    return TicketStats(
        by_status,
        int(overdue or 0),
        int(escalations or 0),
        tuple(int(n) for n in row[2:]),
        int(row[0]),
        float(row[1]),
    )
