"""Finishing: what became of a send, recorded only while its sender still holds the lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    and_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FORGOTTEN, OutboxMessage
from storage.repos import sql


def _owned(row_id: int, owner: int) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.id == row_id,
        OutboxMessage.status == "pending",
        OutboxMessage.lease_owner == owner,
    )


async def mark_sent(session: AsyncSession, row_id: int, now: datetime, *, owner: int) -> bool:
    """Delivered: erase the sealed payload, keep the row as a delivery record.

    False (and nothing changed) when `owner` no longer holds the lease.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(_owned(row_id, owner))
        .values(
            status="sent",
            payload=None,
            sent_at=now,
            locked_until=None,
            lease_owner=None,
            error=None,
            chat_key=FORGOTTEN,
            stalled=False,
        )
    )
    return sql.rowcount(result) == 1


async def retry_later(
    session: AsyncSession,
    row_id: int,
    at: datetime,
    error: str,
    *,
    owner: int,
    count_attempt: bool = True,
    stalled: bool = False,
    aside: bool = False,
) -> bool:
    """Not delivered this time; try again at `at`. `stalled`: only because the other side was
    unreachable; `aside`: take it out of its chat's order so it holds up nothing behind it."""
    values: dict[str, object] = {
        "next_attempt_at": at,
        "locked_until": None,
        "lease_owner": None,
        "error": error[:200],
        "stalled": stalled,
    }
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    if aside:
        values["in_order"] = False
    result = await session.execute(
        update(OutboxMessage).where(_owned(row_id, owner)).values(**values)
    )
    return sql.rowcount(result) == 1


async def mark_failed(
    session: AsyncSession, row_id: int, now: datetime, error: str, *, owner: int
) -> bool:
    """Refused for good (e.g. the user blocked the bot): erase and record why."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_owned(row_id, owner))
        .values(
            status="failed",
            payload=None,
            sent_at=now,
            locked_until=None,
            lease_owner=None,
            chat_key=FORGOTTEN,
            stalled=False,
            attempts=OutboxMessage.attempts + 1,
            error=error[:200],
        )
    )
    return sql.rowcount(result) == 1


async def replace(
    session: AsyncSession, row_id: int, method: str, sealed: bytes, *, owner: int
) -> bool:
    """Turn a row into another call (an edit that cannot be made becomes a new message)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_owned(row_id, owner))
        .values(method=method, payload=sealed, locked_until=None, lease_owner=None)
    )
    return sql.rowcount(result) == 1


async def wake_stalled(session: AsyncSession, channel: str, now: datetime) -> int:
    """The other side answers again: every row waiting only for that is due now."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.channel == channel,
            OutboxMessage.stalled,
        )
        .values(next_attempt_at=now, stalled=False)
    )
    return sql.rowcount(result)
