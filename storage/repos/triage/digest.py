"""Lines waiting for the staff group's next flood digest (cards it did not get one by one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DigestItem
from storage.repos import sql

NEW = "new"  # a ticket whose card the group did not get
OVERDUE = "overdue"  # a ticket that waited twice its SLA


@dataclass(frozen=True)
class Waiting:
    """A digest line not posted yet."""

    id: int
    ticket_ref: str
    kind: str


async def add(session: AsyncSession, reference: str, kind: str, now: datetime) -> None:
    """Queue a line for the next digest."""
    session.add(DigestItem(ticket_ref=reference, kind=kind, created_at=now))


async def waiting(session: AsyncSession, limit: int) -> list[Waiting]:
    """Up to `limit` lines not posted yet, oldest first."""
    rows = await session.scalars(
        select(DigestItem)
        .where(DigestItem.posted_at.is_(None))
        .order_by(DigestItem.id)
        .limit(limit)
    )
    return [Waiting(r.id, r.ticket_ref, r.kind) for r in rows]


async def mark_posted(session: AsyncSession, ids: Iterable[int], now: datetime) -> None:
    """These lines went out in a digest."""
    chosen = list(ids)
    if chosen:
        await session.execute(
            update(DigestItem).where(DigestItem.id.in_(chosen)).values(posted_at=now)
        )


async def purge(session: AsyncSession, posted_before: datetime) -> int:
    """Forget lines posted before `posted_before` (the digest message itself stays in the group)."""
    result = await session.execute(
        delete(DigestItem).where(
            DigestItem.posted_at.is_not(None), DigestItem.posted_at < posted_before
        )
    )
    return sql.rowcount(result)
