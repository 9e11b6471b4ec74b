"""Conversation state per flow, keyed by an HMAC of the person's Telegram id (never the id).

The flow brings its own codec (`dump`/`load`), so this module knows no particular flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation
from storage.repos import sql
from storage.sealing import Unreadable, open_json, seal_json

S = TypeVar("S")
TABLE = "conversations"


def row_key(flow: str, key: str) -> str:
    """The row key its state is sealed with (also what key rotation opens it with)."""
    # Associated data: the row's primary key, so that a state moved to another row will not open.
    return f"{flow}/{key}"


class StateCodec(Protocol[S]):
    """What storage needs of a flow: its name and how its state becomes JSON and back."""

    @property
    def name(self) -> str:
        """The flow's stable name."""
        ...

    def dump(self, state: S) -> dict[str, Any]:
        """JSON-safe form of `state`."""
        ...

    def load(self, data: Mapping[str, Any]) -> S | None:
        """The state, or None when the data cannot be trusted."""
        ...


async def load(session: AsyncSession, flow: StateCodec[S], key: str) -> S | None:
    """The saved state of `flow` for `key`, or None for a new (or unreadable) conversation."""
    data = await session.scalar(
        select(Conversation.state).where(Conversation.flow == flow.name, Conversation.key == key)
    )
    if data is None:
        return None
    try:
        return flow.load(open_json(session, TABLE, row_key(flow.name, key), data))
    except Unreadable:
        return None  # sealed under a key no longer in the ring: the draft starts over


async def save(
    session: AsyncSession, flow: StateCodec[S], key: str, state: S, now: datetime
) -> None:
    """Insert or replace the state of `flow` for `key` (one statement: it runs per update)."""
    sealed = seal_json(session, TABLE, row_key(flow.name, key), flow.dump(state))
    stmt = sql.insert(session, Conversation).values(
        flow=flow.name, key=key, state=sealed, updated_at=now
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["flow", "key"], set_={"state": sealed, "updated_at": now}
        )
    )


async def forget(session: AsyncSession, key: str) -> None:
    """Delete everything kept for `key`, in every flow."""
    await session.execute(delete(Conversation).where(Conversation.key == key))


async def expire(session: AsyncSession, before: datetime) -> int:
    """Delete conversations untouched since `before` (abandoned drafts hold what was typed)."""
    result = await session.execute(delete(Conversation).where(Conversation.updated_at < before))
    return sql.rowcount(result)
