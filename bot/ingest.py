"""Getting updates in durably: group-committed inbox writes, webhook checks, long polling."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from telegram import Bot
from telegram.error import Conflict, TelegramError

from bot.aio import wait_for_event
from bot.crypto import Keys
from bot.updates import ALLOWED_UPDATES, chat_id_of
from storage import inbox
from storage.db import Database
from storage.errors import DatabaseUnavailable
from storage.inbox import NewUpdate

log = logging.getLogger(__name__)

_BATCH = 500
# Updates waiting on one commit that mean a burst (light traffic makes 1, sometimes 2).
_FLOOD = 8


class InboxWriter:
    """Stores updates in batches: one commit (one fsync) acknowledges many concurrent requests."""

    def __init__(self, db: Database, keys: Keys,
                 on_commit: Callable[[], None] = lambda: None) -> None:
        self._db = db
        self._keys = keys
        self.on_commit = on_commit  # set once the worker exists: wakes it after each commit
        self._queue: asyncio.Queue[tuple[NewUpdate, asyncio.Future[None]]] = asyncio.Queue()
        self._flood_until = 0.0

    def flooded(self) -> bool:
        """True while a burst is on: many requests at once are waiting on each commit."""
        return time.monotonic() < self._flood_until

    def to_row(self, raw: dict[str, Any], text: str | None = None) -> NewUpdate:
        """The inbox row for a raw update (`text`: its JSON as received); its chat is keyed."""
        chat_id = chat_id_of(raw)
        chat_key = self._keys.identity_key(chat_id) if chat_id is not None else "-"
        return NewUpdate(int(raw["update_id"]), chat_key,
                         text if text is not None else json.dumps(raw, ensure_ascii=False))

    async def submit(self, raw: dict[str, Any], text: str | None = None) -> None:
        """Return once `raw` is committed; raises `DatabaseUnavailable` when it could not be."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((self.to_row(raw, text), future))
        await future

    async def store(self, rows: list[NewUpdate]) -> None:
        """Commit `rows` now (used by the poller, which has its own batches)."""
        try:
            async with self._db.transaction(urgent=True) as session:
                await inbox.add(session, rows, datetime.now(UTC))
        except Exception as exc:
            raise DatabaseUnavailable(type(exc).__name__) from exc
        self.on_commit()

    async def run(self, stop: asyncio.Event) -> None:
        """Drain the queue in batches until `stop` is set."""
        while not stop.is_set():
            try:
                first = await asyncio.wait_for(self._queue.get(), timeout=0.5)
            except TimeoutError:
                continue
            batch = [first]
            while len(batch) < _BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if len(batch) >= _FLOOD:  # many requests overlap: keep the worker out of the way
                self._flood_until = time.monotonic() + 0.2
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[NewUpdate, asyncio.Future[None]]]) -> None:
        try:
            await self.store([row for row, _ in batch])
        except DatabaseUnavailable as exc:
            log.error("inbox write of %d updates failed: %s", len(batch), exc)
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)


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
                    offset=offset, timeout=self._timeout, allowed_updates=list(ALLOWED_UPDATES))
                rows = [self._writer.to_row(u.to_dict()) for u in updates]
                if rows:
                    await self._writer.store(rows)
            except (TelegramError, DatabaseUnavailable) as exc:
                failures += 1
                level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
                log.log(level, "polling: %s; retrying", type(exc).__name__)
                await wait_for_event(stop, min(2.0 ** failures, 30.0))
                continue
            failures = 0
            if rows:
                offset = max(r.update_id for r in rows) + 1

