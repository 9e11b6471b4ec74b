"""Conversation state, keyed by an HMAC of the Telegram user id (never the id itself)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.intake import IntakeState, dump_state, load_state
from storage.models import Conversation


async def load(session: AsyncSession, key: str) -> IntakeState | None:
    """The saved state for `key`, or None for a new (or unreadable) conversation."""
    data = await session.scalar(select(Conversation.state).where(Conversation.key == key))
    return None if data is None else load_state(data)


async def save(session: AsyncSession, key: str, state: IntakeState, now: datetime) -> None:
    """Insert or replace the state for `key`."""
    row = await session.get(Conversation, key)
    if row is None:
        session.add(Conversation(key=key, state=dump_state(state), updated_at=now))
    else:
        row.state = dump_state(state)
        row.updated_at = now


async def forget(session: AsyncSession, key: str) -> None:
    """Delete everything kept for `key`."""
    await session.execute(delete(Conversation).where(Conversation.key == key))


async def expire(session: AsyncSession, before: datetime) -> int:
    """Delete conversations untouched since `before` (abandoned drafts hold what was typed)."""
    result = await session.execute(delete(Conversation).where(Conversation.updated_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
