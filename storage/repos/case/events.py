"""Outbound case-system events: queued with their cause, sent at least once, per ticket in order.

A row is leased by the process sending it (as outbox rows are, see storage.owner); on
PostgreSQL the claim takes `FOR UPDATE SKIP LOCKED`, so several dispatchers never hold the same
row, and an event is due only when no earlier event of its ticket is still unsent (pending or
failed): an update never overtakes its `created`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import CaseEvent, OutboxMessage
from storage.repos import sql

PENDING, SENT, FAILED = "pending", "sent", "failed"
# A lease also ends after this long, whatever the owner: a send takes at most its timeout.
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class DueEvent:
    """An event ready to send: its stable webhook id, sealed body and tries so far."""

    id: int
    webhook_id: str
    ticket_ref: str
    type: str
    sealed: bytes
    attempts: int


@dataclass(frozen=True)
class EventInfo:
    """What an operator sees of an event (never its body)."""

    id: int
    webhook_id: str
    ticket_ref: str
    type: str
    ticket_status: str | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_code: int | None
    error: str | None
    has_body: bool


@dataclass(frozen=True)
class CaseStats:
    """Counts for /metrics and the CLI."""

    pending: int
    failed: int
    sent: int
    oldest_pending_at: datetime | None
    retrying: int = 0  # pending after at least one failed try
    failed_attempts: int = 0  # tries that failed, over every event still kept


def new_webhook_id() -> str:
    """A fresh Standard Webhooks message id (kept for every retry of the event)."""
    return f"msg_{uuid.uuid4().hex}"


async def add(
    session: AsyncSession,
    *,
    ticket_ref: str,
    type: str,
    ticket_status: str | None,
    sealed: bytes,
    now: datetime,
) -> str:
    """Queue one event in the caller's transaction; its webhook id."""
    webhook_id = new_webhook_id()
    session.add(
        CaseEvent(
            webhook_id=webhook_id,
            ticket_ref=ticket_ref,
            type=type,
            ticket_status=ticket_status,
            payload=sealed,
            status=PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
    )
    await session.flush()
    return webhook_id


async def claim(session: AsyncSession, owner: int, now: datetime, limit: int = 8) -> list[DueEvent]:
    """Lease up to `limit` due events, each the earliest unsent one of its ticket."""
    earlier = aliased(CaseEvent)
    blocked = (
        select(earlier.id)
        .where(
            earlier.ticket_ref == CaseEvent.ticket_ref,
            earlier.id < CaseEvent.id,
            earlier.status.in_((PENDING, FAILED)),
        )
        .exists()
    )
    stmt = (
        select(CaseEvent)
        .where(
            CaseEvent.status == PENDING,
            CaseEvent.next_attempt_at <= now,
            sql.lease_free(session, CaseEvent, owner, now),
            ~blocked,
        )
        .order_by(CaseEvent.id)
        .limit(limit)
    )
    if sql.dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=CaseEvent)
    rows = list(await session.scalars(stmt))
    for row in rows:
        row.lease_owner, row.locked_until = owner, now + LEASE
    await session.flush()
    return [
        DueEvent(r.id, r.webhook_id, r.ticket_ref, r.type, r.payload or b"", r.attempts)
        for r in rows
    ]


def _mine(event_id: int, owner: int) -> ColumnElement[bool]:
    return and_(
        CaseEvent.id == event_id, CaseEvent.lease_owner == owner, CaseEvent.status == PENDING
    )


async def delivered(
    session: AsyncSession, event_id: int, owner: int, now: datetime, code: int
) -> bool:
    """The case system answered 2xx: sent, body erased; False if the lease was lost."""
    result = await session.execute(
        update(CaseEvent)
        .where(_mine(event_id, owner))
        .values(
            status=SENT,
            sent_at=now,
            payload=None,
            attempts=CaseEvent.attempts + 1,
            last_code=code,
            error=None,
            lease_owner=None,
            locked_until=None,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def attempt_failed(
    session: AsyncSession,
    event_id: int,
    owner: int,
    *,
    code: int | None,
    error: str,
    retry_at: datetime | None,
) -> bool:
    """An attempt failed: try again at `retry_at`, or (None) mark the event failed."""
    values: dict[str, object] = {
        "attempts": CaseEvent.attempts + 1,
        "last_code": code,
        "error": error[:120],
        "lease_owner": None,
        "locked_until": None,
    }
    if retry_at is None:
        values["status"] = FAILED
    else:
        values["next_attempt_at"] = retry_at
    result = await session.execute(update(CaseEvent).where(_mine(event_id, owner)).values(values))
    return bool(getattr(result, "rowcount", 0))


async def release(session: AsyncSession, event_id: int, owner: int, error: str) -> None:
    """Give the lease back without counting a try (the endpoint is disabled)."""
    await session.execute(
        update(CaseEvent)
        .where(_mine(event_id, owner))
        .values(lease_owner=None, locked_until=None, error=error[:120])
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending event is due (None: nothing pending)."""
    return await session.scalar(
        select(func.min(CaseEvent.next_attempt_at)).where(CaseEvent.status == PENDING)
    )


def _info(r: CaseEvent) -> EventInfo:
    return EventInfo(
        r.id,
        r.webhook_id,
        r.ticket_ref,
        r.type,
        r.ticket_status,
        r.status,
        r.attempts,
        r.created_at,
        r.next_attempt_at,
        r.sent_at,
        r.last_code,
        r.error,
        r.payload is not None,
    )


async def listing(
    session: AsyncSession, status: str | None = None, limit: int = 50
) -> list[EventInfo]:
    """Events, newest first (of one status, or all)."""
    stmt = select(CaseEvent).order_by(CaseEvent.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(CaseEvent.status == status)
    return [_info(r) for r in await session.scalars(stmt)]


async def get(session: AsyncSession, event_id: int) -> tuple[EventInfo, bytes | None] | None:
    """One event and its sealed body (None once delivered)."""
    row = await session.get(CaseEvent, event_id)
    return None if row is None else (_info(row), row.payload)


async def retry(session: AsyncSession, now: datetime, event_id: int | None = None) -> int:
    """Make failed events (one, or all) pending again with a fresh schedule; how many."""
    stmt = update(CaseEvent).where(CaseEvent.status == FAILED)
    if event_id is not None:
        stmt = stmt.where(CaseEvent.id == event_id)
    result = await session.execute(
        stmt.values(status=PENDING, attempts=0, next_attempt_at=now, error=None)
    )
    return sql.rowcount(result)


async def due_now(session: AsyncSession, now: datetime) -> int:
    """Make every pending event due at once (the endpoint was enabled again); how many."""
    result = await session.execute(
        update(CaseEvent)
        .where(CaseEvent.status == PENDING, CaseEvent.next_attempt_at > now)
        .values(next_attempt_at=now)
    )
    return sql.rowcount(result)


async def stats(session: AsyncSession) -> CaseStats:
    """Pending, failed and sent counts, the oldest pending event, and failed tries."""
    rows = await session.execute(
        select(
            CaseEvent.status,
            func.count(),
            func.min(CaseEvent.created_at),
            func.sum(case((CaseEvent.attempts > 0, 1), else_=0)),
            func.sum(CaseEvent.attempts),
        ).group_by(CaseEvent.status)
    )
    counts = {
        status: (int(n), oldest, int(tried or 0), int(tries or 0))
        for status, n, oldest, tried, tries in rows
    }
    pending = counts.get(PENDING, (0, None, 0, 0))
    failed = counts.get(FAILED, (0, None, 0, 0))
    sent = counts.get(SENT, (0, None, 0, 0))
    return CaseStats(
        pending[0],
        failed[0],
        sent[0],
        pending[1],
        retrying=pending[2],
        # A sent event failed every try but its last; a pending or failed one, every try.
        failed_attempts=pending[3] + failed[3] + sent[3] - sent[0],
    )


async def telegram_counts(session: AsyncSession) -> dict[str, int]:
    """The Telegram outbox's rows by status (for `outbox list` beside the case events)."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: int(n) for status, n in rows}
