"""Opt-in follow-up contacts: a ticket's sealed reporter chat id, while the ticket is open."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FollowupContact
from storage.repos import sql


@dataclass(frozen=True)
class Contact:
    """A ticket's follow-up contact: the sealed chat id and the reporter's language."""

    ticket_ref: str
    sealed_chat: bytes
    locale: str


async def add(
    session: AsyncSession, ticket_ref: str, sealed_chat: bytes, locale: str, now: datetime
) -> None:
    """Keep the reporter's chat for `ticket_ref` (replacing an older one)."""
    row = await session.get(FollowupContact, ticket_ref)
    if row is None:
        session.add(
            FollowupContact(
                ticket_ref=ticket_ref, sealed_chat=sealed_chat, locale=locale, created_at=now
            )
        )
    else:
        row.sealed_chat, row.locale = sealed_chat, locale
    await session.flush()


async def get(session: AsyncSession, ticket_ref: str) -> Contact | None:
    """The contact of a ticket, if its reporter chose follow-up."""
    row = await session.get(FollowupContact, ticket_ref)
    return None if row is None else Contact(row.ticket_ref, row.sealed_chat, row.locale)


async def every(session: AsyncSession) -> Sequence[Contact]:
    """Every contact (those of open tickets: closing deletes them)."""
    rows = await session.scalars(select(FollowupContact))
    return [Contact(r.ticket_ref, r.sealed_chat, r.locale) for r in rows]


async def drop(session: AsyncSession, ticket_refs: Sequence[str]) -> int:
    """Delete the contacts of these tickets; how many there were."""
    if not ticket_refs:
        return 0
    result = await session.execute(
        delete(FollowupContact).where(FollowupContact.ticket_ref.in_(list(ticket_refs)))
    )
    return sql.rowcount(result)
