"""Wrong receipt guesses in a sliding window, per chat and in all (shared by every process)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReceiptMiss


async def count(session: AsyncSession, since: datetime, scope: str | None = None) -> int:
    """Wrong guesses since `since`, of one scope or of all."""
    query = select(func.count()).select_from(ReceiptMiss).where(ReceiptMiss.at >= since)
    if scope is not None:
        query = query.where(ReceiptMiss.scope == scope)
    return int(await session.scalar(query) or 0)


async def forget(session: AsyncSession, before: datetime) -> None:
    """Delete the guesses older than `before` (they no longer count)."""
    await session.execute(delete(ReceiptMiss).where(ReceiptMiss.at < before))


async def add(session: AsyncSession, scope: str, now: datetime) -> None:
    """Count one wrong guess."""
    session.add(ReceiptMiss(scope=scope, at=now))
    await session.flush()
