"""Timers: things to do at a time, as rows. Claimed like the inbox, so several processes
never fire one twice, and a restart after a missed deadline fires it at once, exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Timer
from storage.repos import sql


@dataclass(frozen=True)
class NewTimer:
    """A timer to schedule; `key` is its idempotency key (the same key schedules nothing new)."""

    kind: str
    key: str
    due_at: datetime
    ticket_ref: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DueTimer:
    """A timer a process now owns until its transaction ends."""

    id: int
    kind: str
    key: str
    due_at: datetime
    ticket_ref: str | None
    data: dict[str, Any]
    attempts: int


async def schedule(session: AsyncSession, timers: Iterable[NewTimer], now: datetime) -> None:
    """Add timers in the caller's transaction; a key scheduled before is left as it is."""
    rows = [
        {
            "kind": t.kind,
            "key": t.key,
            "due_at": t.due_at,
            "ticket_ref": t.ticket_ref,
            "data": t.data,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for t in timers
    ]
    if not rows:
        return
    stmt = sql.insert(session, Timer).values(rows)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[DueTimer]:
    """Lock up to `limit` due timers, earliest first (rows another process holds are skipped)."""
    stmt = (
        select(Timer)
        .where(Timer.status == "pending", Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
    )
    if sql.dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [
        DueTimer(r.id, r.kind, r.key, r.due_at, r.ticket_ref, dict(r.data or {}), r.attempts)
        for r in await session.scalars(stmt)
    ]


async def mark_done(session: AsyncSession, timer_id: int, now: datetime) -> None:
    """The timer fired."""
    await session.execute(
        update(Timer).where(Timer.id == timer_id).values(status="done", done_at=now, error=None)
    )


async def mark_failed(
    session: AsyncSession, timer_id: int, now: datetime, error: str, retry_in: timedelta | None
) -> None:
    """A failed attempt: try again after `retry_in`, or give up (None)."""
    values: dict[str, Any] = {"attempts": Timer.attempts + 1, "error": error[:80]}
    if retry_in is None:
        values |= {"status": "failed", "done_at": now}
    else:
        values["due_at"] = now + retry_in
    await session.execute(update(Timer).where(Timer.id == timer_id).values(**values))


async def cancel(session: AsyncSession, keys: Iterable[str]) -> int:
    """Drop pending timers by key (e.g. the SLA steps of a ticket someone claimed)."""
    keys = list(keys)
    if not keys:
        return 0
    result = await session.execute(
        delete(Timer).where(Timer.key.in_(keys), Timer.status == "pending")
    )
    return sql.rowcount(result)


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending timer is due, or None."""
    return await session.scalar(select(func.min(Timer.due_at)).where(Timer.status == "pending"))


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget timers that fired or failed before `before`."""
    result = await session.execute(
        delete(Timer).where(Timer.status.in_(("done", "failed")), Timer.done_at < before)
    )
    return sql.rowcount(result)
