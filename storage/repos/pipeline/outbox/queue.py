"""Queueing: the calls a change makes, added in its transaction; moot ones set aside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    insert,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FORGOTTEN, OutboxMessage
from storage.repos import sql

# The method of a piece of evidence for the staff group (bot/telegram/delivery/evidence.py):
# it goes after the task force's other messages.
EVIDENCE = "sendEvidence"
# A row given up as moot: a newer prompt to the same chat replaced it before it was sent.
SKIPPED = "skipped"


@dataclass(frozen=True)
class NewMessage:
    """One call to make: the method, its sealed parameters, and who it goes to (as a key)."""

    chat_key: str
    is_group: bool
    method: str
    sealed: bytes
    ticket_ref: str | None = None
    channel: str = "telegram"
    # On success keep the result's id under this name (see storage.repos.pipeline.tracked).
    track: str | None = None
    # Parameters filled in at send time from tracked ids, e.g. {"message_id": "card:TPPO-..."}.
    fill: dict[str, str] | None = None
    # A timer kind to schedule at once if the call fails for good (e.g. tell the staff group).
    on_fail: str | None = None
    # A newer row to this chat that `replaces` this key makes this one moot while unsent.
    supersede: str | None = None
    # Adding this row drops the chat's unsent rows whose `supersede` is this key.
    replaces: str | None = None
    # False: not part of the chat's order (a button's acknowledgement goes at once).
    in_order: bool = True
    # For the task force: goes before reporters' replies when many wait (a burst).
    priority: bool = False


async def add(session: AsyncSession, messages: Sequence[NewMessage], now: datetime) -> None:
    """Queue messages (in this order) in the caller's transaction, dropping what they replace."""
    replaced = {(m.chat_key, m.replaces) for m in messages if m.replaces}
    for chat_key, key in sorted(replaced):
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.chat_key == chat_key,
                OutboxMessage.supersede == key,
                OutboxMessage.status == "pending",
                OutboxMessage.lease_owner.is_(None),
            )
            .values(
                status=SKIPPED, payload=None, sent_at=now, chat_key=FORGOTTEN, error="superseded"
            )
        )
    rows = [
        {
            "channel": m.channel,
            "chat_key": m.chat_key,
            "is_group": m.is_group,
            "method": m.method,
            "payload": m.sealed,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "ticket_ref": m.ticket_ref,
            "track": m.track,
            "fill": m.fill,
            "on_fail": m.on_fail,
            "supersede": m.supersede,
            "in_order": m.in_order,
            "stalled": False,
            "priority": m.priority,
        }
        for m in messages
    ]
    if rows:  # one multi-row INSERT: ids rise in list order, which is each chat's order
        await session.execute(insert(OutboxMessage).values(rows))


async def drop_pending(
    session: AsyncSession, *, ticket_ref: str, method: str, now: datetime
) -> int:
    """Set aside this ticket's unsent calls of `method` to groups that no sender holds yet.

    Used for card edits: each edit carries the whole card, so a newer one makes older ones
    that have not gone out pointless (and they would cost the group's 20 a minute).
    """
    m = OutboxMessage
    result = await session.execute(
        update(m)
        .where(
            m.ticket_ref == ticket_ref,
            m.method == method,
            m.is_group.is_(True),
            m.status == "pending",
            m.lease_owner.is_(None),
        )
        .values(status=SKIPPED, payload=None, sent_at=now, error="superseded")
    )
    return sql.rowcount(result)
