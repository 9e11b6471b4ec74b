"""What is kept with a ticket about each piece of evidence: kind, type, size and SHA-256 of
the original (never its content, nor Telegram's handle for it)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.evidence import Evidence, Numbered
from flows.domain.report import Attachment
from storage.models import TicketEvidence


def row_key(attachment: Attachment) -> str:
    """The stored key of an attachment: a hash of its Telegram identity."""
    return hashlib.sha256(attachment.key.encode()).hexdigest()


async def queue(
    session: AsyncSession, reference: str, attachments: Sequence[Attachment], now: datetime
) -> list[Numbered]:
    """Record the attachments not yet passed on for this ticket; return them, numbered."""
    known = set(
        await session.scalars(
            select(TicketEvidence.key).where(TicketEvidence.ticket_ref == reference)
        )
    )
    last = await session.scalar(
        select(func.max(TicketEvidence.position)).where(TicketEvidence.ticket_ref == reference)
    )
    position = int(last or 0)
    new: list[Numbered] = []
    for attachment in attachments:
        key = row_key(attachment)
        if key in known:
            continue
        known.add(key)
        position += 1
        session.add(
            TicketEvidence(
                ticket_ref=reference,
                key=key,
                position=position,
                kind=attachment.kind,
                mime_type=attachment.mime_type,
                size=attachment.size,
                queued_at=now,
            )
        )
        new.append(Numbered(position, attachment))
    return new


async def fetched(
    session: AsyncSession,
    reference: str,
    key: str,
    *,
    sha256: str,
    size: int,
    mime_type: str | None,
    now: datetime,
) -> None:
    """The original was downloaded: keep its SHA-256 and real size (a repeat is harmless)."""
    values: dict[str, object] = {"sha256": sha256, "size": size, "fetched_at": now}
    if mime_type:
        values["mime_type"] = mime_type
    await session.execute(
        update(TicketEvidence)
        .where(TicketEvidence.ticket_ref == reference, TicketEvidence.key == key)
        .values(**values)
    )


async def of(session: AsyncSession, reference: str) -> list[Evidence]:
    """A ticket's evidence, in order."""
    rows = await session.scalars(
        select(TicketEvidence)
        .where(TicketEvidence.ticket_ref == reference)
        .order_by(TicketEvidence.position)
    )
    return [Evidence(r.ticket_ref, r.position, r.kind, r.mime_type, r.size, r.sha256) for r in rows]
