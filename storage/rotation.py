"""Re-sealing stored content under the current key: what `lapor-tppo rotate-key` runs.

Each content column is walked in primary-key order, a batch per short transaction, so the app
keeps running meanwhile (on PostgreSQL the batch's rows are locked while they are rewritten and
rows the app holds are left for the next pass; SQLite takes its one write lock per batch).
A value already sealed under the current key is left alone, so a second run rewrites nothing.
Plaintext from before sealing (and the Fernet format) is sealed too: this is how an old
database migrates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import (
    CaseEvent,
    Conversation,
    FollowupContact,
    InboxUpdate,
    OutboxMessage,
    Ticket,
    TicketMessage,
    TicketNote,
)
from storage.repos import sql
from storage.sealing import (
    Unreadable,
    needs_reseal,
    open_json,
    open_text,
    seal_json,
    seal_text,
    sealer_of,
    text_needs_reseal,
)

BATCH = 200


@dataclass
class Counts:
    """What one column's walk found: values rewritten, already current, and unreadable."""

    resealed: int = 0
    current: int = 0
    unreadable: int = 0


@dataclass
class Rotation:
    """Counts per column, in the order walked."""

    columns: dict[str, Counts] = field(default_factory=dict)

    @property
    def unreadable(self) -> int:
        """Values no key in the ring opens (left as they are)."""
        return sum(c.unreadable for c in self.columns.values())


# One row's value: re-seal it in place; True when it was rewritten, False when already current.
Reseal = Callable[[AsyncSession, Any], Awaitable[bool]]


async def _ticket(session: AsyncSession, row: Ticket) -> bool:
    if not needs_reseal(session, row.report):
        return False
    report = open_json(session, "tickets", row.reference, row.report)
    row.report = seal_json(session, "tickets", row.reference, report)
    return True


async def _conversation(session: AsyncSession, row: Conversation) -> bool:
    if not needs_reseal(session, row.state):
        return False
    key = f"{row.flow}/{row.key}"
    state = open_json(session, "conversations", key, row.state)
    row.state = seal_json(session, "conversations", key, state)
    return True


async def _note(session: AsyncSession, row: TicketNote) -> bool:
    if not text_needs_reseal(session, row.text):
        return False
    text = open_text(session, "ticket_notes", row.ticket_ref, row.text)
    row.text = seal_text(session, "ticket_notes", row.ticket_ref, text)
    return True


async def _inbox(session: AsyncSession, row: InboxUpdate) -> bool:
    if not text_needs_reseal(session, row.payload):
        return False
    key = str(row.update_id)
    payload = open_text(session, "inbox", key, row.payload or "")
    row.payload = seal_text(session, "inbox", key, payload)
    return True


def _sealed_bytes(attribute: str) -> Reseal:
    """A resealer for a column of bytes sealed without associated data (`Keys.seal`)."""

    async def reseal(session: AsyncSession, row: Any) -> bool:
        sealer = sealer_of(session)
        sealed = getattr(row, attribute)
        if sealed is None or sealer.is_current(sealed):
            return False
        try:
            setattr(row, attribute, sealer.seal(sealer.open(sealed)))
        except Exception as exc:  # the key ring's own error type lives outside storage
            raise Unreadable(type(exc).__name__) from exc
        return True

    return reseal


_COLUMNS: list[tuple[str, Any, Any, Reseal]] = [
    ("tickets.report", Ticket, Ticket.id, _ticket),
    ("ticket_notes.text", TicketNote, TicketNote.id, _note),
    ("conversations.state", Conversation, None, _conversation),
    ("inbox.payload", InboxUpdate, InboxUpdate.update_id, _inbox),
    ("outbox.payload", OutboxMessage, OutboxMessage.id, _sealed_bytes("payload")),
    (
        "followup_contacts.sealed_chat",
        FollowupContact,
        FollowupContact.ticket_ref,
        _sealed_bytes("sealed_chat"),
    ),
    ("ticket_messages.sealed_text", TicketMessage, TicketMessage.id, _sealed_bytes("sealed_text")),
    ("case_events.payload", CaseEvent, CaseEvent.id, _sealed_bytes("payload")),
]


async def _walk(db: Database, model: Any, order: Any, reseal: Reseal, batch: int) -> Counts:
    counts = Counts()
    after: Any = None
    while True:
        async with db.transaction() as session:
            keys = [order] if order is not None else [model.flow, model.key]
            stmt = select(model).order_by(*keys).limit(batch)
            if after is not None:
                stmt = stmt.where(order > after if order is not None else tuple_(*keys) > after)
            if sql.dialect(session) == "postgresql":
                # Rows the app holds are skipped, never waited for: a wait could deadlock
                # with a worker that writes two of them in the other order. The next pass
                # takes them.
                stmt = stmt.with_for_update(skip_locked=True)
            rows = list(await session.scalars(stmt))
            for row in rows:
                try:
                    if await reseal(session, row):
                        counts.resealed += 1
                    else:
                        counts.current += 1
                except Unreadable:
                    counts.unreadable += 1
        if len(rows) < batch:
            return counts
        last = rows[-1]
        after = getattr(last, order.key) if order is not None else tuple_(last.flow, last.key)


async def rotate(db: Database, batch: int = BATCH, passes: int = 5) -> Rotation:
    """Re-seal every stored value not yet under the current key; `db` carries the key ring.

    Passes repeat until one re-seals nothing (rows the app held were skipped by the one
    before); the counts are the last pass's, with every pass's re-sealed values added up.
    """
    rotation = Rotation()
    for _ in range(passes):
        resealed = 0
        for name, model, order, reseal in _COLUMNS:
            counts = await _walk(db, model, order, reseal, batch)
            resealed += counts.resealed
            before = rotation.columns.get(name)
            counts.resealed += before.resealed if before is not None else 0
            rotation.columns[name] = counts
        if resealed == 0:
            break
    return rotation
