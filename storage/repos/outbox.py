"""The outbox: every outgoing call, committed with its cause, delivered at least once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repos.inbox import FORGOTTEN


@dataclass(frozen=True)
class NewMessage:
    """One call to make: the method, its sealed parameters, and who it goes to (as a key)."""

    chat_key: str
    is_group: bool
    method: str
    sealed: bytes
    ticket_ref: str | None = None
    channel: str = "telegram"
    # On success keep the result's id under this name (see storage.repos.tracked).
    track: str | None = None
    # Parameters filled in at send time from tracked ids, e.g. {"message_id": "card:TPPO-..."}.
    fill: dict[str, str] | None = None
    # A timer kind to schedule at once if the call fails for good (e.g. tell the staff group).
    on_fail: str | None = None


@dataclass(frozen=True)
class Due:
    """A row ready to send: the earliest pending one of its chat."""

    id: int
    chat_key: str
    is_group: bool
    channel: str
    method: str
    sealed: bytes
    attempts: int
    ticket_ref: str | None
    track: str | None = None
    fill: dict[str, str] | None = None
    on_fail: str | None = None


async def add(session: AsyncSession, messages: list[NewMessage], now: datetime) -> None:
    """Queue messages (in this order) in the caller's transaction."""
    for m in messages:
        session.add(
            OutboxMessage(
                channel=m.channel,
                chat_key=m.chat_key,
                is_group=m.is_group,
                method=m.method,
                payload=m.sealed,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                ticket_ref=m.ticket_ref,
                track=m.track,
                fill=m.fill,
                on_fail=m.on_fail,
            )
        )


async def due(
    session: AsyncSession, now: datetime, limit: int, skip_chats: frozenset[str] = frozenset()
) -> list[Due]:
    """Up to `limit` rows, the earliest pending row of each chat, when due and not leased."""
    first = (
        select(func.min(OutboxMessage.id))
        .where(OutboxMessage.status == "pending")
        .group_by(OutboxMessage.chat_key)
    )
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.id.in_(first),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit + len(skip_chats))
    )
    rows = [r for r in await session.scalars(stmt) if r.chat_key not in skip_chats]
    return [
        Due(
            r.id,
            r.chat_key,
            r.is_group,
            r.channel,
            r.method,
            r.payload or b"",
            r.attempts,
            r.ticket_ref,
            r.track,
            r.fill,
            r.on_fail,
        )
        for r in rows[:limit]
    ]


async def lease(session: AsyncSession, row_id: int, now: datetime, length: timedelta) -> bool:
    """Take a row for sending; False when another dispatcher holds it (several processes)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == "pending",
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .values(locked_until=now + length)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def release_leases(session: AsyncSession) -> int:
    """Free every leased pending row; only for a database no other live process can use."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.locked_until.is_not(None))
        .values(locked_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_sent(session: AsyncSession, row_id: int, now: datetime) -> None:
    """Delivered: erase the sealed payload, keep the row as a delivery record."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(
            status="sent",
            payload=None,
            sent_at=now,
            locked_until=None,
            error=None,
            chat_key=FORGOTTEN,
        )
    )


async def retry_later(
    session: AsyncSession, row_id: int, at: datetime, error: str, count_attempt: bool = True
) -> None:
    """Not delivered this time; try again at `at`."""
    values: dict[str, object] = {"next_attempt_at": at, "locked_until": None, "error": error[:200]}
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def mark_failed(session: AsyncSession, row_id: int, now: datetime, error: str) -> None:
    """Telegram refused it for good (e.g. the user blocked the bot): erase and record why."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(
            status="failed",
            payload=None,
            sent_at=now,
            locked_until=None,
            chat_key=FORGOTTEN,
            attempts=OutboxMessage.attempts + 1,
            error=error[:200],
        )
    )


async def replace(session: AsyncSession, row_id: int, method: str, sealed: bytes) -> None:
    """Turn a row into another call (an edit that cannot be made becomes a new message)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(method=method, payload=sealed, locked_until=None)
    )


async def pending_count(session: AsyncSession) -> int:
    """How many rows wait to be delivered."""
    return int(
        await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
        or 0
    )


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget delivery records (already erased of content) finished before `before`."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(("sent", "failed")), OutboxMessage.sent_at < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
