"""Whether the bot is still busy with a chat: its updates not yet handled, its messages unsent.

Read-only look-ups for tools that watch the pipeline from outside (the demo's "typing…" line and
its scripted users), keyed the same way the pipeline keys chats.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxUpdate, OutboxMessage


async def update_statuses(session: AsyncSession, update_ids: Collection[int]) -> dict[int, str]:
    """The inbox status (pending, done, parked) of each of `update_ids` that is stored."""
    if not update_ids:
        return {}
    rows = await session.execute(
        select(InboxUpdate.update_id, InboxUpdate.status).where(
            InboxUpdate.update_id.in_(list(update_ids))
        )
    )
    return {int(update_id): str(status) for update_id, status in rows}


async def unsent_count(session: AsyncSession, chat_key: str) -> int:
    """How many outbox rows for the chat keyed `chat_key` still wait to be sent."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.chat_key == chat_key, OutboxMessage.status == "pending")
        )
        or 0
    )
