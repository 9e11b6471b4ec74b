"""Aggregates of the inbox and the outbox for /metrics: a few grouped counts, no row is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxUpdate, OutboxMessage


@dataclass(frozen=True)
class PipelineStats:
    """Rows by status, and how long the oldest pending one has waited (seconds)."""

    inbox: dict[str, int] = field(default_factory=dict)
    inbox_oldest_pending: float | None = None
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)  # (channel, status)
    outbox_oldest_pending: dict[str, float] = field(default_factory=dict)  # by channel


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else max((now - then).total_seconds(), 0.0)


async def collect(session: AsyncSession, now: datetime) -> PipelineStats:
    """Counts by status (both tables) and the age of the oldest pending row (by channel)."""
    inbox = {
        str(status): int(count)
        for status, count in await session.execute(
            select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
        )
    }
    oldest_in = await session.scalar(
        select(func.min(InboxUpdate.received_at)).where(InboxUpdate.status == "pending")
    )
    outbox: dict[tuple[str, str], int] = {}
    oldest_out: dict[str, float] = {}
    rows = await session.execute(
        select(
            OutboxMessage.channel,
            OutboxMessage.status,
            func.count(),
            func.min(OutboxMessage.created_at),
        ).group_by(OutboxMessage.channel, OutboxMessage.status)
    )
    for channel, status, count, oldest in rows:
        outbox[(str(channel), str(status))] = int(count)
        age = _age(now, _aware(oldest)) if status == "pending" else None
        if age is not None:
            oldest_out[str(channel)] = age
    return PipelineStats(inbox, _age(now, _aware(oldest_in)), outbox, oldest_out)


def _aware(value: datetime | None) -> datetime | None:
    """Aware UTC, whatever the driver handed back for an aggregate."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
