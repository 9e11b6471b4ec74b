"""The audit log: who did what and when, appended, never changed (the database refuses)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.duty.staff import StaffMember
from flows.domain.triage import HistoryEntry
from storage.models import AuditEntry

SYSTEM = "system"
OPERATOR = "operator"


async def record(
    session: AsyncSession,
    at: datetime,
    actor: StaffMember | str,
    action: str,
    *,
    ticket_ref: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Append one row: `actor` is a staff member or "system", "reporter", "operator"."""
    who, name = (
        (str(actor.user_id), actor.name) if isinstance(actor, StaffMember) else (actor, None)
    )
    session.add(
        AuditEntry(
            at=at,
            actor=who,
            actor_name=name,
            action=action,
            ticket_ref=ticket_ref,
            data=dict(data or {}),
        )
    )


async def history(
    session: AsyncSession, reference: str, limit: int, leave_out: str | None = None
) -> list[HistoryEntry]:
    """The latest `limit` rows about a ticket (but those of action `leave_out`), oldest first."""
    stmt = select(AuditEntry).where(AuditEntry.ticket_ref == reference)
    if leave_out is not None:
        stmt = stmt.where(AuditEntry.action != leave_out)
    rows = list(await session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit)))
    return [
        HistoryEntry(r.at, r.actor, r.actor_name, r.action, dict(r.data or {}))
        for r in reversed(rows)
    ]


async def count(
    session: AsyncSession, reference: str | None = None, action: str | None = None
) -> int:
    """How many rows there are (about one ticket, or in all; of one action, or any)."""
    stmt = select(func.count()).select_from(AuditEntry)
    if reference is not None:
        stmt = stmt.where(AuditEntry.ticket_ref == reference)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return int(await session.scalar(stmt) or 0)
