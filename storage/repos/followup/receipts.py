"""Receipt hashes, found by their short non-secret lookup id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Receipt


async def add(
    session: AsyncSession, ticket_ref: str, lookup: str, hashed: str, now: datetime
) -> None:
    """Keep the hash of a ticket's receipt (one receipt per ticket)."""
    session.add(Receipt(ticket_ref=ticket_ref, lookup=lookup, hash=hashed, created_at=now))
    await session.flush()


async def exists(session: AsyncSession, ticket_ref: str) -> bool:
    """The ticket has a receipt already."""
    found = await session.scalar(select(Receipt.ticket_ref).where(Receipt.ticket_ref == ticket_ref))
    return found is not None


async def candidates(session: AsyncSession, lookup: str) -> Sequence[tuple[str, str]]:
    """(ticket reference, hash) of every receipt sharing `lookup` (a handful at most)."""
    rows = await session.execute(
        select(Receipt.ticket_ref, Receipt.hash).where(Receipt.lookup == lookup).limit(64)
    )
    return [(ref, hashed) for ref, hashed in rows]


async def drop(session: AsyncSession, ticket_ref: str) -> None:
    """Forget a ticket's receipt."""
    await session.execute(delete(Receipt).where(Receipt.ticket_ref == ticket_ref))
