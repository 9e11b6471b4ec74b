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
from bot.metrics import Metrics
from bot.telegram.delivery.clean import clean
from bot.telegram.outgoing import Outgoing
from bot.telegram.updates import chat_id_of, private_callback
from storage.db import Database
from storage.errors import DatabaseUnavailable, is_data_error
from storage.repos.pipeline import inbox
from storage.repos.pipeline.inbox import NewUpdate
from storage.repos.pipeline.outbox import NewMessage

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
        outgoing: Outgoing | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._db = db
        self._metrics = metrics or Metrics()
        self._keys = keys
        # Answers buttons pressed in private chats as they arrive (see `to_row`).
        self._out = outgoing
        self._clock = clock or Clock()
        self.on_commit = on_commit  # set once the worker exists: wakes it after each commit
        self._queue: asyncio.Queue[tuple[NewUpdate, asyncio.Future[None]]] = asyncio.Queue()
        self._flood_until = 0.0

    def flooded(self) -> bool:
        """True while a burst is on: many requests at once are waiting on each commit."""
        # Real time on purpose, not the injectable clock: this measures the machine's load
        # right now, and a simulated clock standing still would hold the worker back for ever.
        return time.monotonic() < self._flood_until

    def to_row(self, raw: dict[str, Any], text: str | None = None) -> NewUpdate:
        """The inbox row for a raw update (`text`: its JSON as received); its chat is keyed.

        Code points that could never be stored or sent on (lone surrogates, NUL) become U+FFFD
        here, at the edge, so that nothing downstream meets them.
        """
        raw, changed = clean(raw)
        if changed or text is None:
            text = json.dumps(raw, ensure_ascii=False)
        chat_id = chat_id_of(raw)
        chat_key = self._keys.identity_key(chat_id) if chat_id is not None else "-"
        return NewUpdate(int(raw["update_id"]), chat_key, text, self._ack(raw))

    def _ack(self, raw: dict[str, Any]) -> NewMessage | None:
        """A button pressed in a private chat is answered now, not once the chat's earlier
        updates are handled: Telegram shows the spinner only for a few seconds, and a reporter
        who typed a lot meanwhile must not see it spin."""
        pressed = private_callback(raw) if self._out is not None else None
        if pressed is None or self._out is None:
            return None
        return self._out.answer_callback(*pressed)

    async def submit(self, raw: dict[str, Any], text: str | None = None) -> None:
        """Return once `raw` is committed; raises `DatabaseUnavailable` when it could not be."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((self.to_row(raw, text), future))
        await future

    async def store(self, rows: list[NewUpdate]) -> None:
        """Commit `rows` now (used by the poller, which has its own batches)."""
        try:
            async with self._db.transaction(urgent=True) as session:
                new = await inbox.add(session, rows, self._clock.now())
        except Exception as exc:
            raise DatabaseUnavailable(type(exc).__name__, data_error=is_data_error(exc)) from exc
        self._metrics.received.inc(new)
        self._metrics.duplicates.inc(len(rows) - new)
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
            if len(batch) > 1 and exc.data_error:
                # One bad row must not fail the requests that shared its commit: each row
                # alone, so that only the bad one answers 503.
                await self._commit_one_by_one(batch)
                return
            log.error("inbox write of %d updates failed: %s", len(batch), exc)
            _settle(batch, exc)
            return
        _settle(batch, None)

    async def _commit_one_by_one(self, batch: list[tuple[NewUpdate, asyncio.Future[None]]]) -> None:
        for n, (row, future) in enumerate(batch):
            try:
                await self.store([row])
            except DatabaseUnavailable as exc:
                log.error("inbox write of update %d failed: %s", row.update_id, exc)
                if not exc.data_error:  # the database itself failed: the rest would too
                    _settle(batch[n:], exc)
                    return
                _settle([(row, future)], exc)
            else:
                _settle([(row, future)], None)


def _settle(batch: list[tuple[NewUpdate, asyncio.Future[None]]], error: Exception | None) -> None:
    for _, future in batch:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
