"""What the case system knows of each ticket, the webhook ids it sent us, and the link's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CaseInbound, CaseLink, CaseState, Ticket
from storage.repos import sql

DISABLED = "disabled"  # CaseState name: the endpoint answered 410 (value: when and why)
REPLAY_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Link:
    """The case-system side of one ticket."""

    ticket_ref: str
    fingerprint: dict[str, Any]
    sent_status: str | None
    confirmed_at: datetime | None
    case_status: str | None
    case_id: str | None


@dataclass(frozen=True)
class OutOfStep:
    """A ticket the case system never confirmed, or whose status there differs from ours."""

    reference: str
    status: str
    problem: str  # "unconfirmed" | "status_differs"
    case_status: str | None
    created_at: datetime


def _link(row: CaseLink) -> Link:
    return Link(
        row.ticket_ref,
        dict(row.fingerprint or {}),
        row.sent_status,
        row.confirmed_at,
        row.case_status,
        row.case_id,
    )


async def get(session: AsyncSession, reference: str) -> Link | None:
    """The link of one ticket (None: nothing was ever queued for it)."""
    row = await session.get(CaseLink, reference)
    return None if row is None else _link(row)


async def remember(
    session: AsyncSession, reference: str, fingerprint: dict[str, Any], status: str
) -> None:
    """Keep what was last queued for a ticket (field hashes and its status)."""
    row = await session.get(CaseLink, reference)
    if row is None:
        session.add(CaseLink(ticket_ref=reference, fingerprint=fingerprint, sent_status=status))
    else:
        row.fingerprint, row.sent_status = fingerprint, status
    await session.flush()


async def confirm(session: AsyncSession, reference: str, at: datetime) -> None:
    """The case system accepted the ticket's `created` event (first time only)."""
    row = await session.get(CaseLink, reference)
    if row is not None and row.confirmed_at is None:
        row.confirmed_at = at


async def from_case(
    session: AsyncSession, reference: str, status: str, case_id: str | None, at: datetime
) -> None:
    """What the case system last told us of a ticket."""
    row = await session.get(CaseLink, reference)
    if row is None:
        row = CaseLink(ticket_ref=reference, fingerprint={})
        session.add(row)
    row.case_status, row.case_at = status, at
    if case_id:
        row.case_id = case_id
    await session.flush()


async def first_sight(session: AsyncSession, webhook_id: str, now: datetime) -> bool:
    """Record an inbound webhook id; False when it was seen within the replay window."""
    row = await session.get(CaseInbound, webhook_id)
    if row is not None:
        return row.received_at < now - REPLAY_WINDOW and _renew(row, now)
    try:
        async with session.begin_nested():
            session.add(CaseInbound(webhook_id=webhook_id, received_at=now))
    except IntegrityError:  # the same id, at the same moment, from a parallel request
        return False
    return True


def _renew(row: CaseInbound, now: datetime) -> bool:
    row.received_at = now
    return True


async def forget_inbound(session: AsyncSession, now: datetime) -> int:
    """Delete inbound ids older than the replay window; how many."""
    result = await session.execute(
        delete(CaseInbound).where(CaseInbound.received_at < now - REPLAY_WINDOW)
    )
    return sql.rowcount(result)


async def disabled(session: AsyncSession) -> str | None:
    """Why the endpoint is disabled (None: it is enabled)."""
    row = await session.get(CaseState, DISABLED)
    return None if row is None else row.value


async def disable(session: AsyncSession, reason: str, now: datetime) -> bool:
    """Disable the endpoint; True when it was enabled until now."""
    if await session.get(CaseState, DISABLED) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(CaseState(name=DISABLED, value=reason[:200], at=now))
    except IntegrityError:  # another dispatcher disabled it at the same moment
        return False
    return True


async def enable(session: AsyncSession) -> bool:
    """Enable the endpoint again; True when it was disabled."""
    result = await session.execute(delete(CaseState).where(CaseState.name == DISABLED))
    return bool(getattr(result, "rowcount", 0))


async def out_of_step(session: AsyncSession) -> list[OutOfStep]:
    """Tickets never confirmed by the case system, and those whose status there differs."""
    rows = await session.execute(
        select(Ticket.reference, Ticket.status, Ticket.created_at, CaseLink)
        .outerjoin(CaseLink, CaseLink.ticket_ref == Ticket.reference)
        .order_by(Ticket.created_at, Ticket.id)
    )
    found: list[OutOfStep] = []
    for reference, status, created_at, link in rows:
        if link is None or link.confirmed_at is None:
            found.append(OutOfStep(reference, status, "unconfirmed", None, created_at))
        elif link.case_status is not None and link.case_status != status:
            found.append(
                OutOfStep(reference, status, "status_differs", link.case_status, created_at)
            )
    return found
