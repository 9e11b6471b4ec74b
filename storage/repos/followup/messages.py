"""Messages between the task force and a ticket's reporter, sealed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Ticket, TicketEvent, TicketMessage

TO_REPORTER = "to_reporter"
FROM_REPORTER = "from_reporter"


async def add(
    session: AsyncSession, ticket_ref: str, direction: str, sealed_text: bytes, now: datetime
) -> int:
    """Keep one message; its id."""
    row = TicketMessage(ticket_ref=ticket_ref, at=now, direction=direction, sealed_text=sealed_text)
    session.add(row)
    await session.flush()
    return int(row.id)


async def latest(
    session: AsyncSession, ticket_ref: str, direction: str, limit: int
) -> Sequence[tuple[datetime, bytes]]:
    """The last `limit` messages of a ticket in one direction, oldest first."""
    rows = await session.execute(
        select(TicketMessage.at, TicketMessage.sealed_text)
        .where(TicketMessage.ticket_ref == ticket_ref, TicketMessage.direction == direction)
        .order_by(TicketMessage.id.desc())
        .limit(limit)
    )
    return list(reversed([(at, sealed) for at, sealed in rows]))


async def audit(
    session: AsyncSession,
    ticket_ref: str,
    at: datetime,
    kind: str,
    actor: str,
    data: dict[str, Any],
) -> bool:
    """Append a ticket event (never the text) to the ticket `ticket_ref`; False if it is gone."""
    ticket_id = await session.scalar(select(Ticket.id).where(Ticket.reference == ticket_ref))
    if ticket_id is None:
        return False
    session.add(TicketEvent(ticket_id=ticket_id, at=at, kind=kind, actor=actor, data=data))
    return True
