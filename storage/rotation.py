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
from storage.repos.pipeline import conversations, inbox
from storage.repos.triage import referrals, tickets
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


def _sealed_json(attribute: str, table: str, key_of: Callable[[Any], str]) -> Reseal:
    """A resealer for a JSON column sealed with its table and row key as associated data."""

    async def reseal(session: AsyncSession, row: Any) -> bool:
        stored = getattr(row, attribute)
        if not needs_reseal(session, stored):
            return False
        key = key_of(row)
        value = open_json(session, table, key, stored)
        setattr(row, attribute, seal_json(session, table, key, value))
        return True

    return reseal


def _sealed_text(attribute: str, table: str, key_of: Callable[[Any], str]) -> Reseal:
    """A resealer for a text column sealed with its table and row key as associated data."""

    async def reseal(session: AsyncSession, row: Any) -> bool:
        stored = getattr(row, attribute)
        if not text_needs_reseal(session, stored):
            return False
        key = key_of(row)
        text = open_text(session, table, key, stored or "")
        setattr(row, attribute, seal_text(session, table, key, text))
        return True

    return reseal


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
    (
        "tickets.report",
        Ticket,
        Ticket.id,
        _sealed_json("report", tickets.TABLE, lambda r: r.reference),
    ),
    (
        "ticket_notes.text",
        TicketNote,
        TicketNote.id,
        _sealed_text("text", referrals.NOTES, lambda r: r.ticket_ref),
    ),
    (
        "conversations.state",
        Conversation,
        None,
        _sealed_json("state", conversations.TABLE, lambda r: conversations.row_key(r.flow, r.key)),
    ),
    (
        "inbox.payload",
        InboxUpdate,
        InboxUpdate.update_id,
        _sealed_text("payload", inbox.INBOX, lambda r: str(r.update_id)),
    ),
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
