"""The inbox: raw updates stored durably before Telegram gets its 200, processed in order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import InboxUpdate

# What a processed row keeps instead of its chat's key: kept, the key would tie the rows of one
# reporter together (and to their ticket's outbox rows) long after they are handled.
FORGOTTEN = "-"


@dataclass(frozen=True)
class NewUpdate:
    """An update as it arrives: its id, the pseudonymous key of its chat, the raw JSON text."""

    update_id: int
    chat_key: str
    payload: str


@dataclass(frozen=True)
class ClaimedUpdate:
    """An inbox row a worker now owns until its transaction ends."""

    update_id: int
    chat_key: str
    payload: dict[str, Any]
    attempts: int


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def add(session: AsyncSession, updates: Sequence[NewUpdate], now: datetime) -> int:
    """Store new updates; an `update_id` seen before is ignored. Returns how many were new."""
    if not updates:
        return 0
    rows = [
        {
            "update_id": u.update_id,
            "chat_key": u.chat_key,
            "payload": u.payload,
            "status": "pending",
            "attempts": 0,
            "received_at": now,
            "next_attempt_at": now,
        }
        for u in updates
    ]
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    stmt = insert(InboxUpdate).values(rows).on_conflict_do_nothing(index_elements=["update_id"])
    result = await session.execute(stmt)
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


async def claim_next(session: AsyncSession, now: datetime) -> ClaimedUpdate | None:
    """Lock the oldest due update whose chat has no earlier pending update."""
    batch = await claim_batch(session, now, 1)
    return batch[0] if batch else None


async def claim_batch(session: AsyncSession, now: datetime, limit: int) -> list[ClaimedUpdate]:
    """Lock up to `limit` due updates, each the oldest pending one of its chat, in id order.

    Per-chat order holds across worker processes: on PostgreSQL a row another worker holds is
    skipped (SKIP LOCKED), and its chat's later rows wait because an earlier one is pending.
    One row per chat at most, so a batch never holds two steps of one conversation.
    """
    earlier = aliased(InboxUpdate)
    blocked = exists().where(
        and_(
            earlier.chat_key == InboxUpdate.chat_key,
            earlier.status == "pending",
            earlier.update_id < InboxUpdate.update_id,
        )
    )
    stmt = (
        select(InboxUpdate)
        .where(InboxUpdate.status == "pending", InboxUpdate.next_attempt_at <= now, ~blocked)
        .order_by(InboxUpdate.update_id)
        .limit(limit)
    )
    if _dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=InboxUpdate)
    return [
        ClaimedUpdate(r.update_id, r.chat_key, _payload(r.payload), r.attempts)
        for r in await session.scalars(stmt)
    ]


def _payload(text: str | None) -> dict[str, Any]:
    try:
        payload = json.loads(text or "{}")
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


async def mark_done(session: AsyncSession, update_id: int, now: datetime) -> None:
    """The update is handled: erase its payload (it names the sender) and keep the id."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id)
        .values(status="done", payload=None, processed_at=now, error=None, chat_key=FORGOTTEN)
    )


async def mark_failed(
    session: AsyncSession, update_id: int, now: datetime, error: str, retry_in: timedelta | None
) -> None:
    """Record a failed attempt: retry after `retry_in`, or park it (payload erased) when None."""
    row = await session.get(InboxUpdate, update_id)
    if row is None:
        return
    row.attempts += 1
    row.error = error[:80]
    if retry_in is None:
        row.status, row.payload, row.processed_at = "parked", None, now
        row.chat_key = FORGOTTEN
    else:
        row.next_attempt_at = now + retry_in


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget processed ids older than `before` (Telegram stops re-delivering after a day)."""
    result = await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.status.in_(("done", "parked")), InboxUpdate.processed_at < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def pending_count(session: AsyncSession) -> int:
    """How many updates wait to be processed."""
    return int(
        await session.scalar(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")
        )
        or 0
    )
