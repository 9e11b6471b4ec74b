"""What staff add to a ticket besides its status: internal notes and referrals to agencies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.referral import Agency, Outcome, Referral
from flows.domain.triage import Note
from storage.models import ReferralRow, TicketNote
from storage.sealing import open_text, seal_text

# Notes are sealed with their ticket's reference as associated data (known before insert).
NOTES = "ticket_notes"


async def add_note(
    session: AsyncSession, reference: str, at: datetime, author: int, text: str
) -> int:
    """Store an internal note; its id."""
    row = TicketNote(
        ticket_ref=reference, at=at, author=author, text=seal_text(session, NOTES, reference, text)
    )
    session.add(row)
    await session.flush()
    return row.id


async def notes(session: AsyncSession, reference: str, limit: int) -> tuple[list[Note], int]:
    """The latest `limit` notes of a ticket (oldest first), and how many it has in all."""
    rows = list(
        await session.scalars(
            select(TicketNote)
            .where(TicketNote.ticket_ref == reference)
            .order_by(TicketNote.id.desc())
        )
    )
    found = [
        Note(r.at, r.author, open_text(session, NOTES, r.ticket_ref, r.text))
        for r in reversed(rows[:limit])
    ]
    return found, len(rows)


def _referral(row: ReferralRow) -> Referral:
    return Referral(
        Agency(row.agency),
        row.referred_at,
        row.referred_by,
        Outcome(row.outcome),
        row.outcome_at,
        row.id,
    )


async def refer(
    session: AsyncSession, reference: str, agency: Agency, at: datetime, by: int
) -> Referral:
    """Record a new referral."""
    row = ReferralRow(
        ticket_ref=reference,
        agency=agency.value,
        referred_at=at,
        referred_by=by,
        outcome=Outcome.PENDING.value,
    )
    session.add(row)
    await session.flush()
    return _referral(row)


async def of(session: AsyncSession, reference: str) -> tuple[Referral, ...]:
    """Every referral of a ticket, oldest first."""
    rows = await session.scalars(
        select(ReferralRow).where(ReferralRow.ticket_ref == reference).order_by(ReferralRow.id)
    )
    return tuple(_referral(r) for r in rows)


async def set_outcome(
    session: AsyncSession, reference: str, agency: Agency, outcome: Outcome, at: datetime
) -> Referral | None:
    """Record the outcome of the latest referral to `agency` (None: there is none)."""
    row = await session.scalar(
        select(ReferralRow)
        .where(ReferralRow.ticket_ref == reference, ReferralRow.agency == agency.value)
        .order_by(ReferralRow.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    row.outcome, row.outcome_at = outcome.value, at
    return _referral(row)
