"""The inbox: raw updates stored durably before Telegram gets its 200, processed in order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import FORGOTTEN, InboxUpdate
from storage.repos import sql
from storage.repos.pipeline import outbox
from storage.repos.pipeline.outbox import NewMessage
from storage.sealing import Unreadable, open_text, seal_text

# The raw update names its sender: sealed, with the update id as associated data, until handled.
INBOX = "inbox"


@dataclass(frozen=True)
class NewUpdate:
    """An update as it arrives: its id, the pseudonymous key of its chat, the raw JSON text.

    `ack`: a call to make at once when the update is new (a pressed button's answer).
    """

    update_id: int
    chat_key: str
    payload: str
    ack: NewMessage | None = None


@dataclass(frozen=True)
class ClaimedUpdate:
    """An inbox row a worker now owns until its transaction ends."""

    update_id: int
    chat_key: str
    payload: dict[str, Any]
    attempts: int
    received_at: datetime | None = None


async def add(session: AsyncSession, updates: Sequence[NewUpdate], now: datetime) -> int:
    """Store new updates; an `update_id` seen before is ignored. Returns how many were new.

    The `ack` of each new update is queued in the outbox in the same transaction.
    """
    if not updates:
        return 0
    rows = [
        {
            "update_id": u.update_id,
            "chat_key": u.chat_key,
            "payload": seal_text(session, INBOX, str(u.update_id), u.payload),
            "status": "pending",
            "attempts": 0,
            "received_at": now,
            "next_attempt_at": now,
        }
        for u in updates
    ]
    stmt = sql.insert(session, InboxUpdate).values(rows)
    stmt = stmt.on_conflict_do_nothing(index_elements=["update_id"])
    acks = {u.update_id: u.ack for u in updates if u.ack is not None}
    if not acks:
        result = await session.execute(stmt)
        return sql.rowcount(result)
    new = set(await session.scalars(stmt.returning(InboxUpdate.update_id)))
    await outbox.add(session, [ack for update_id, ack in acks.items() if update_id in new], now)
    return len(new)


async def claim_next(session: AsyncSession, now: datetime) -> ClaimedUpdate | None:
    """Lock the oldest due update whose chat has no earlier pending update."""
    batch = await claim_batch(session, now, 1)
    return batch[0] if batch else None


async def claim_batch(
    session: AsyncSession, now: datetime, limit: int, *, run: int = 1, below: int | None = None
) -> list[ClaimedUpdate]:
    """Lock up to `limit` chats' due updates, the oldest pending ones of each, in id order.

    Per-chat order holds across worker processes: on PostgreSQL a row another worker holds is
    skipped (SKIP LOCKED), and its chat's later rows wait because an earlier one is pending.
    With `run` > 1 a chat may bring up to `run` consecutive due updates (a burst is handled in
    fewer commits); they are only ever claimed together with that chat's oldest, so no other
    worker can hold any of them. `below`: claim no update id from there on (see
    bot/runtime/reorder.py).
    """
    earlier = aliased(InboxUpdate)
    blocked = exists().where(
        and_(
            earlier.chat_key == InboxUpdate.chat_key,
            earlier.status == "pending",
            earlier.update_id < InboxUpdate.update_id,
        )
    )
    where = [InboxUpdate.status == "pending", InboxUpdate.next_attempt_at <= now, ~blocked]
    if below is not None:
        where.append(InboxUpdate.update_id < below)
    stmt = select(InboxUpdate).where(*where).order_by(InboxUpdate.update_id).limit(limit)
    if sql.dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=InboxUpdate)
    heads = list(await session.scalars(stmt))
    rows = heads + (await _runs(session, heads, now, run, below) if run > 1 else [])
    rows.sort(key=lambda r: r.update_id)
    return [
        ClaimedUpdate(
            r.update_id, r.chat_key, _payload(session, r.update_id, r.payload), r.attempts
        )
        for r in rows
    ]


async def _runs(
    session: AsyncSession, heads: list[InboxUpdate], now: datetime, run: int, below: int | None
) -> list[InboxUpdate]:
    """The due updates right after each head in its chat, up to `run` per chat in all."""
    if not heads:
        return []
    first = {h.chat_key: h.update_id for h in heads}
    stmt = (
        select(InboxUpdate)
        .where(
            InboxUpdate.chat_key.in_(first),
            InboxUpdate.status == "pending",
            InboxUpdate.update_id > min(first.values()),
        )
        .order_by(InboxUpdate.update_id)
        .limit(len(heads) * run * 2)
    )
    taken: dict[str, int] = dict.fromkeys(first, 1)
    stopped: set[str] = set()
    out: list[InboxUpdate] = []
    for row in await session.scalars(stmt):
        chat = row.chat_key
        if chat in stopped or row.update_id <= first[chat]:
            continue
        if (
            row.next_attempt_at > now
            or (below is not None and row.update_id >= below)
            or taken[chat] >= run
        ):
            stopped.add(chat)  # the run ends at the first update that may not go now
            continue
        taken[chat] += 1
        out.append(row)
    return out


async def arrived_after(session: AsyncSession, update_id: int, limit: int) -> list[int]:
    """Ids of stored updates above `update_id`, in order (handled ones too)."""
    return list(
        await session.scalars(
            select(InboxUpdate.update_id)
            .where(InboxUpdate.update_id > update_id)
            .order_by(InboxUpdate.update_id)
            .limit(limit)
        )
    )


async def highest(session: AsyncSession) -> int | None:
    """The highest update id stored."""
    value: int | None = await session.scalar(select(func.max(InboxUpdate.update_id)))
    return value


def _payload(session: AsyncSession, update_id: int, stored: str | None) -> dict[str, Any]:
    try:
        payload = json.loads(open_text(session, INBOX, str(update_id), stored or "{}"))
    except (ValueError, Unreadable):
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
    return sql.rowcount(result)


async def pending_count(session: AsyncSession) -> int:
    """How many updates wait to be processed."""
    return int(
        await session.scalar(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")
        )
        or 0
    )
