"""Tickets and their append-only audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.report import Report, report_from_dict, report_to_dict
from flows.domain.ticket import Ticket, TicketStatus
from storage.errors import StorageError
from storage.models import Ticket as TicketRow
from storage.models import TicketEvent


class ReferenceExhausted(StorageError):
    """No free reference was found (practically impossible: 32^6 references)."""


def _to_ticket(row: TicketRow) -> Ticket:
    return Ticket(
        reference=row.reference,
        status=TicketStatus(row.status),
        report=report_from_dict(row.report),
        created_at=row.created_at,
        ack_due_at=row.ack_due_at,
        closed_reason=row.closed_reason,
    )


async def create(
    session: AsyncSession,
    report: Report,
    *,
    new_reference: Callable[[], str],
    now: datetime,
    ack_due_at: datetime,
) -> Ticket:
    """File `report` under a fresh unique reference and record a `created` event."""
    for _ in range(10):
        reference = new_reference()
        taken = await session.scalar(select(TicketRow.id).where(TicketRow.reference == reference))
        if taken is None:
            break
    else:
        raise ReferenceExhausted("ten random references in a row were taken")
    row = TicketRow(
        reference=reference,
        status=TicketStatus.NEW.value,
        urgent=report.urgent,
        child=report.child,
        in_malaysia=report.in_malaysia,
        report=report_to_dict(report),
        created_at=now,
        ack_due_at=ack_due_at,
    )
    session.add(row)
    await session.flush()
    await add_event(session, row.id, now, "created", "reporter", {})
    return _to_ticket(row)


async def update_report(
    session: AsyncSession, reference: str, report: Report, now: datetime, actor: str = "reporter"
) -> Ticket | None:
    """Replace the report of ticket `reference` (answers added later); None when it is gone.

    The flags (urgent, child, in Malaysia) follow the new report; status and SLA do not change.
    The audit event names the fields that changed, never their content.
    """
    row = await session.scalar(select(TicketRow).where(TicketRow.reference == reference))
    if row is None:
        return None
    before = report_from_dict(row.report)
    changed = sorted(
        k for k, v in report_to_dict(report).items() if report_to_dict(before).get(k) != v
    )
    row.report = report_to_dict(report)
    row.urgent, row.child, row.in_malaysia = report.urgent, report.child, report.in_malaysia
    await add_event(session, row.id, now, "report_added", actor, {"fields": changed})
    await session.flush()
    return _to_ticket(row)


async def add_event(
    session: AsyncSession, ticket_id: int, at: datetime, kind: str, actor: str, data: dict[str, Any]
) -> None:
    """Append one audit event."""
    session.add(TicketEvent(ticket_id=ticket_id, at=at, kind=kind, actor=actor, data=data))


async def get(session: AsyncSession, reference: str) -> Ticket | None:
    """The ticket with `reference`, or None."""
    row = await session.scalar(select(TicketRow).where(TicketRow.reference == reference))
    return None if row is None else _to_ticket(row)
