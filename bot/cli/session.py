"""One short database transaction for a CLI command, on a migrated database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.crypto import Keys
from bot.infra.settings import Settings, reveal
from storage.db import Database, upgrade

T = TypeVar("T")


def key_ring(settings: Settings) -> Keys:
    """The key ring: stored content opens with DATA_KEY or one of DATA_KEYS_OLD."""
    return Keys(reveal(settings.DATA_KEY), settings.old_data_keys())


def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Migrate, then run `work` in one transaction; sealed content opens when DATA_KEY is set
    (commands that touch only the staff register and roster work without it)."""
    upgrade(settings.DATABASE_URL)
    sealer = key_ring(settings) if settings.DATA_KEY is not None else None

    async def run() -> T:
        db = Database(settings.DATABASE_URL, sealer=sealer)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(run())
