"""Message ids of private chats, kept 48 hours so that /hapus can delete them.

Keyed by the chat's HMAC pseudonym: the chat id itself is known again only when the reporter
writes (/hapus carries it). Nothing but ids and times is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatMessage
from storage.repos import sql

# How long Telegram lets a bot delete a message in a private chat.
DELETABLE = timedelta(hours=48)


async def remember(
    session: AsyncSession, chat_key: str, message_ids: Iterable[int], now: datetime
) -> None:
    """Keep message ids of this chat (a repeat is ignored)."""
    wanted = set(message_ids)
    if not wanted:
        return
    known = set(
        await session.scalars(
            select(ChatMessage.message_id).where(
                ChatMessage.chat_key == chat_key, ChatMessage.message_id.in_(wanted)
            )
        )
    )
    new = [
        {"chat_key": chat_key, "message_id": message_id, "sent_at": now}
        for message_id in sorted(wanted - known)
    ]
    if new:  # a plain INSERT, not the ORM's unit of work: this runs for every message
        await session.execute(insert(ChatMessage).values(new))


async def deletable(session: AsyncSession, chat_key: str, now: datetime) -> list[int]:
    """Ids of this chat's messages still young enough to delete, oldest first.

    A minute of margin: a message a few seconds short of 48 hours may be too old by the time
    the call reaches Telegram.
    """
    since = now - DELETABLE + timedelta(minutes=1)
    return list(
        await session.scalars(
            select(ChatMessage.message_id)
            .where(ChatMessage.chat_key == chat_key, ChatMessage.sent_at > since)
            .order_by(ChatMessage.message_id)
        )
    )


async def forget(session: AsyncSession, chat_key: str) -> int:
    """Forget every message id of this chat."""
    result = await session.execute(delete(ChatMessage).where(ChatMessage.chat_key == chat_key))
    return sql.rowcount(result)


async def purge(session: AsyncSession, now: datetime) -> int:
    """Forget ids too old to delete anyway."""
    result = await session.execute(
        delete(ChatMessage).where(ChatMessage.sent_at <= now - DELETABLE)
    )
    return sql.rowcount(result)
