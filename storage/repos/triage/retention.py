"""Retention: deleting the content of tickets closed long ago, unless a legal hold keeps it.

What goes: the story, a typed place, the attachments (Telegram file ids and coordinates, the
evidence references) and the internal notes. What stays: the row with its flags and dates and
the report's option ids (indicators, place, when, how many, age band, role), so that the
statistics still count it; the audit trail never held content.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.report import Report, report_from_dict, report_to_dict
from flows.domain.ticket import TicketStatus
from storage.models import Ticket as TicketRow
from storage.models import TicketMessage, TicketNote
from storage.repos.triage.tickets import TABLE
from storage.sealing import open_json, seal_json


def content_free(report: Report) -> Report:
    """`report` without anything the reporter typed or sent: option ids, flags and dates only."""
    return replace(report, story=None, place_text=None, attachments=())


async def set_hold(session: AsyncSession, reference: str, hold: bool) -> bool | None:
    """Put on or lift the legal hold of `reference`: True when it changed, False when it was
    so already, None when there is no such ticket."""
    before = await session.scalar(
        select(TicketRow.legal_hold).where(TicketRow.reference == reference)
    )
    if before is None:
        return None
    if before == hold:
        return False
    await session.execute(
        update(TicketRow).where(TicketRow.reference == reference).values(legal_hold=hold)
    )
    return True


async def purge_closed(
    session: AsyncSession, closed_before: datetime, now: datetime, limit: int
) -> list[str]:
    """Delete the content of up to `limit` tickets closed before `closed_before`, not held and
    not purged yet; their references."""
    rows = list(
        await session.scalars(
            select(TicketRow)
            .where(
                TicketRow.status == TicketStatus.CLOSED.value,
                TicketRow.closed_at < closed_before,
                TicketRow.legal_hold.is_(False),
                TicketRow.purged_at.is_(None),
            )
            .order_by(TicketRow.closed_at, TicketRow.id)
            .limit(limit)
        )
    )
    for row in rows:
        report = report_from_dict(open_json(session, TABLE, row.reference, row.report))
        row.report = seal_json(session, TABLE, row.reference, report_to_dict(content_free(report)))
        row.purged_at = now
    refs = [row.reference for row in rows]
    if refs:
        await session.execute(delete(TicketNote).where(TicketNote.ticket_ref.in_(refs)))
        # Messages between the task force and the reporter are content too; the audit keeps
        # that they were sent, never what they said.
        await session.execute(delete(TicketMessage).where(TicketMessage.ticket_ref.in_(refs)))
    await session.flush()
    return refs
