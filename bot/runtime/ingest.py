"""Getting updates in durably: group-committed inbox writes, one fsync for many requests."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from bot.infra.clock import Clock
from bot.infra.crypto import Keys
from bot.telegram.updates import chat_id_of
from storage.db import Database
from storage.errors import DatabaseUnavailable
from storage.repos import inbox
from storage.repos.inbox import NewUpdate

log = logging.getLogger(__name__)

_BATCH = 500
# Updates waiting on one commit that mean a burst (light traffic makes 1, sometimes 2).
_FLOOD = 8


class InboxWriter:
    """Stores updates in batches: one commit (one fsync) acknowledges many concurrent requests."""

    def __init__(
        self,
        db: Database,
        keys: Keys,
        on_commit: Callable[[], None] = lambda: None,
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self._keys = keys
        self._clock = clock or Clock()
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
        return NewUpdate(
            int(raw["update_id"]),
            chat_key,
            text if text is not None else json.dumps(raw, ensure_ascii=False),
        )

    async def submit(self, raw: dict[str, Any], text: str | None = None) -> None:
        """Return once `raw` is committed; raises `DatabaseUnavailable` when it could not be."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((self.to_row(raw, text), future))
        await future

    async def store(self, rows: list[NewUpdate]) -> None:
        """Commit `rows` now (used by the poller, which has its own batches)."""
        try:
            async with self._db.transaction(urgent=True) as session:
                await inbox.add(session, rows, self._clock.now())
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
