"""Tickets and their append-only audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.duty.routing import routing_from_dict, routing_to_dict
from flows.domain.report import Report, report_from_dict, report_to_dict
from flows.domain.ticket import Ticket, TicketStatus
from flows.domain.triage import ListScope
from storage.errors import StorageError
from storage.models import Ticket as TicketRow
from storage.models import TicketEvent
from storage.repos import sql
from storage.sealing import open_json, seal_json

# The report is sealed with the reference as associated data: it is fixed before the row's id.
TABLE = "tickets"


class ReferenceExhausted(StorageError):
    """No free reference was found (practically impossible: 32^6 references)."""


def _report(session: AsyncSession, row: TicketRow) -> Report:
    return report_from_dict(open_json(session, TABLE, row.reference, row.report))


def _to_ticket(session: AsyncSession, row: TicketRow) -> Ticket:
    return Ticket(
        reference=row.reference,
        status=TicketStatus(row.status),
        report=_report(session, row),
        created_at=row.created_at,
        ack_due_at=row.ack_due_at,
        closed_reason=row.closed_reason,
        assignee=row.assignee_id,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        routing=routing_from_dict(row.routing),
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
        report=seal_json(session, TABLE, reference, report_to_dict(report)),
        created_at=now,
        ack_due_at=ack_due_at,
    )
    session.add(row)
    await session.flush()
    await add_event(session, row.id, now, "created", "reporter", {})
    return _to_ticket(session, row)


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
    before = report_to_dict(_report(session, row))
    changed = sorted(k for k, v in report_to_dict(report).items() if before.get(k) != v)
    row.report = seal_json(session, TABLE, reference, report_to_dict(report))
    row.urgent, row.child, row.in_malaysia = report.urgent, report.child, report.in_malaysia
    await add_event(session, row.id, now, "report_added", actor, {"fields": changed})
    await session.flush()
    return _to_ticket(session, row)


async def add_event(
    session: AsyncSession, ticket_id: int, at: datetime, kind: str, actor: str, data: dict[str, Any]
) -> None:
    """Append one audit event."""
    session.add(TicketEvent(ticket_id=ticket_id, at=at, kind=kind, actor=actor, data=data))


async def get(session: AsyncSession, reference: str, *, for_update: bool = False) -> Ticket | None:
    """The ticket with `reference`, or None; `for_update` locks it until the transaction ends
    (on PostgreSQL; SQLite has one writer at a time anyway), so that a claim and an SLA step
    never both act on what they read."""
    stmt = select(TicketRow).where(TicketRow.reference == reference)
    if for_update and sql.dialect(session) == "postgresql":
        stmt = stmt.with_for_update()
    row = await session.scalar(stmt)
    return None if row is None else _to_ticket(session, row)


async def save_triage(session: AsyncSession, ticket: Ticket) -> None:
    """Store the triage state of `ticket` (status, holder, acknowledgment, closing, routing)."""
    await session.execute(
        update(TicketRow)
        .where(TicketRow.reference == ticket.reference)
        .values(
            status=ticket.status.value,
            assignee_id=ticket.assignee,
            acknowledged_at=ticket.acknowledged_at,
            acknowledged_by=ticket.acknowledged_by,
            closed_at=ticket.closed_at,
            closed_by=ticket.closed_by,
            closed_reason=ticket.closed_reason,
            routing=routing_to_dict(ticket.routing),
        )
    )


async def listing(
    session: AsyncSession, scope: ListScope, user_id: int, limit: int
) -> tuple[list[Ticket], int]:
    """Tickets for /tiket: the first `limit` of `scope`, and how many there are in all.

    Open lists put someone in danger first, then a child involved, then the oldest; the list
    of all tickets is newest first.
    """
    wheres = {
        ListScope.OPEN: [TicketRow.status != TicketStatus.CLOSED.value],
        ListScope.NEW: [TicketRow.status == TicketStatus.NEW.value],
        ListScope.URGENT: [
            TicketRow.status != TicketStatus.CLOSED.value,
            or_(TicketRow.urgent.is_(True), TicketRow.child.is_(True)),
        ],
        ListScope.MINE: [
            TicketRow.status != TicketStatus.CLOSED.value,
            TicketRow.assignee_id == user_id,
        ],
        ListScope.ALL: [],
    }[scope]
    total = int(
        await session.scalar(select(func.count()).select_from(TicketRow).where(*wheres)) or 0
    )
    order = (
        [TicketRow.created_at.desc(), TicketRow.id.desc()]
        if scope is ListScope.ALL
        else [
            case((TicketRow.urgent.is_(True), 0), (TicketRow.child.is_(True), 1), else_=2),
            TicketRow.created_at,
            TicketRow.id,
        ]
    )
    rows = await session.scalars(select(TicketRow).where(*wheres).order_by(*order).limit(limit))
    return [_to_ticket(session, r) for r in rows], total


async def filed_since(session: AsyncSession, start: datetime) -> list[Ticket]:
    """Every ticket filed at or after `start` (for statistics)."""
    rows = await session.scalars(
        select(TicketRow).where(TicketRow.created_at >= start).order_by(TicketRow.created_at)
    )
    return [_to_ticket(session, r) for r in rows]
