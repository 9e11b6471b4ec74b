"""Ids Telegram gave the messages we must act on later (edit a ticket card, post in its topic)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import TrackedMessage
from storage.repos import sql


async def remember(session: AsyncSession, track: str, result_id: int, now: datetime) -> None:
    """Keep `result_id` under `track`; a later result under the same name replaces it."""
    values = {"track": track, "result_id": result_id, "created_at": now}
    stmt = sql.insert(session, TrackedMessage).values(values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["track"], set_={"result_id": result_id, "created_at": now}
        )
    )


async def lookup(session: AsyncSession, tracks: Iterable[str]) -> dict[str, int]:
    """The ids known for `tracks` (missing ones are left out)."""
    names = list(set(tracks))
    if not names:
        return {}
    rows = await session.execute(
        select(TrackedMessage.track, TrackedMessage.result_id).where(
            TrackedMessage.track.in_(names)
        )
    )
    return {track: int(result_id) for track, result_id in rows}


async def forget(session: AsyncSession, tracks: Iterable[str]) -> None:
    """Drop tracked ids (their messages are gone, or their ticket's content was deleted)."""
    names = list(tracks)
    if names:
        await session.execute(delete(TrackedMessage).where(TrackedMessage.track.in_(names)))
