"""Figures read from the outbox (the group's load, the backlog) and the purge of old records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    and_,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repos import sql
from storage.repos.pipeline.outbox.queue import EVIDENCE, SKIPPED

# Calls that are not messages: Telegram does not count them against a group's 20 a minute
# (the Telegram transport's own list starts from this one).
NOT_MESSAGES = (
    "answerCallbackQuery",
    "leaveChat",
    "setMessageReaction",
    "deleteMessage",
    "deleteMessages",
    "getFile",
)


async def group_load(session: AsyncSession, since: datetime) -> int:
    """Messages to groups still waiting, plus those queued since `since`.

    The bot writes to one group only (it leaves any other), so this is the staff group's
    backlog plus its recent traffic: what a new message there would queue behind. Evidence
    still waiting is left out: it goes after every card, so no card queues behind it.
    """
    m = OutboxMessage
    evidence_waiting = and_(m.status == "pending", m.method == EVIDENCE)
    return int(
        await session.scalar(
            select(func.count())
            .select_from(m)
            .where(
                m.is_group.is_(True),
                m.method.not_in(NOT_MESSAGES),
                ~evidence_waiting,
                or_(m.status == "pending", m.created_at >= since),
            )
        )
        or 0
    )


async def pending_count(session: AsyncSession) -> int:
    """How many rows wait to be delivered."""
    return int(
        await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
        or 0
    )


async def oldest_pending(session: AsyncSession) -> datetime | None:
    """When the longest-waiting row was queued (None: nothing waits)."""
    value: datetime | None = await session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
    )
    return value


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget delivery records (already erased of content) finished before `before`."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(("sent", "failed", SKIPPED)), OutboxMessage.sent_at < before
        )
    )
    return sql.rowcount(result)
