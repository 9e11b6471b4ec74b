"""Long polling: getUpdates feeds the same inbox as the webhook."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import Conflict, TelegramError

from bot.runtime.aio import wait_for_event
from bot.runtime.ingest import InboxWriter
from bot.telegram.updates import ALLOWED_UPDATES
from storage.errors import DatabaseUnavailable

log = logging.getLogger(__name__)


class Poller:
    """Long polling: getUpdates feeds the same inbox; an offset is confirmed only once stored."""

    def __init__(self, bot: Bot, writer: InboxWriter, timeout: int = 25) -> None:
        self._bot = bot
        self._writer = writer
        self._timeout = timeout

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set."""
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                updates = await self._bot.get_updates(
                    offset=offset, timeout=self._timeout, allowed_updates=list(ALLOWED_UPDATES)
                )
                rows = [self._writer.to_row(u.to_dict()) for u in updates]
                if rows:
                    await self._writer.store(rows)
            except (TelegramError, DatabaseUnavailable) as exc:
                failures += 1
                level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
                log.log(level, "polling: %s; retrying", type(exc).__name__)
                await wait_for_event(stop, min(2.0**failures, 30.0))
                continue
            failures = 0
            if rows:
                offset = max(r.update_id for r in rows) + 1
