"""Picking: which rows may go now, and leasing them to the process that sends them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repos import sql
from storage.repos.pipeline.outbox.queue import EVIDENCE


@dataclass(frozen=True)
class Due:
    """A row ready to send: the earliest pending one of its chat (or one outside the order)."""

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
    in_order: bool = True
    stalled: bool = False
    due_at: datetime | None = None
    priority: bool = False


# What `due` reads of a row, in Due's field order (the payload only when asked for: a pass
# looks at up to thousands of rows and sends a few).
def _due_columns(with_payload: bool) -> tuple[Any, ...]:
    m = OutboxMessage
    payload = m.payload if with_payload else literal(b"", LargeBinary)
    return (
        m.id,
        m.chat_key,
        m.is_group,
        m.channel,
        m.method,
        payload,
        m.attempts,
        m.ticket_ref,
        m.track,
        m.fill,
        m.on_fail,
        m.in_order,
        m.stalled,
        m.next_attempt_at,
        m.priority,
    )


def _due_row(r: Sequence[Any]) -> Due:
    fields = list(r)
    fields[5] = fields[5] or b""
    fields[-1] = bool(fields[-1])
    return Due(*fields)


def _urgency() -> ColumnElement[int]:
    """Sort key: button acknowledgements, then the task force's messages (the staff group's
    ticket messages but evidence, and everything marked `priority`), then the rest."""
    m = OutboxMessage
    return case(
        (m.method == "answerCallbackQuery", 0),
        (m.method == EVIDENCE, 2),
        (or_(m.priority, and_(m.is_group, m.ticket_ref.is_not(None))), 1),
        else_=2,
    )


async def due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    *,
    owner: int,
    skip_chats: frozenset[str] = frozenset(),
    stalled_too: bool = False,
    with_payload: bool = True,
) -> list[Due]:
    """Up to `limit` free rows that may go now: each chat's earliest pending row in order, and
    rows outside the order; most urgent first, then oldest. `stalled_too`: rows waiting only
    for the other side to answer count as due (to probe it). Without `with_payload` each
    `sealed` is empty: the dispatcher reads only the chosen rows' with `payloads`."""
    m = OutboxMessage
    heads = select(func.min(m.id)).where(m.status == "pending", m.in_order).group_by(m.chat_key)
    when: ColumnElement[bool] = m.next_attempt_at <= now
    if stalled_too:
        when = or_(when, m.stalled)
    stmt = (
        select(*_due_columns(with_payload))
        .where(
            m.status == "pending",
            or_(and_(m.in_order, m.id.in_(heads)), ~m.in_order),
            when,
            sql.lease_free(session, OutboxMessage, owner, now),
        )
        .order_by(_urgency(), m.id)
        .limit(limit + len(skip_chats))
    )
    rows = [_due_row(r) for r in await session.execute(stmt)]
    return [r for r in rows if not (r.in_order and r.chat_key in skip_chats)][:limit]


async def payloads(session: AsyncSession, ids: Sequence[int]) -> dict[int, bytes]:
    """The sealed parameters of these rows, by id."""
    if not ids:
        return {}
    m = OutboxMessage
    rows = await session.execute(select(m.id, m.payload).where(m.id.in_(ids)))
    return {row_id: payload or b"" for row_id, payload in rows}


async def lease(
    session: AsyncSession, row_id: int, now: datetime, length: timedelta, *, owner: int
) -> bool:
    """Take a row for sending; False when a live process holds it. `length` caps the lease
    even for a live owner (a send never takes that long)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == "pending",
            sql.lease_free(session, OutboxMessage, owner, now),
        )
        .values(lease_owner=owner, locked_until=now + length)
    )
    return sql.rowcount(result) == 1


async def release(session: AsyncSession, owner: int) -> int:
    """Give back every row `owner` still leases (a clean shutdown)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.lease_owner == owner)
        .values(lease_owner=None, locked_until=None)
    )
    return sql.rowcount(result)
