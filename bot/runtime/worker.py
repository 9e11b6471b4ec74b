"""The inbox worker: one update at a time per chat, in `update_id` order, all-or-nothing.

A failing update is retried with backoff, then parked with a kind apology; it never blocks
other chats. The error handler logs the update id and the error type, never the content.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.metrics import Metrics
from bot.runtime.aio import Wakeable, backoff, describe
from bot.runtime.handler import UpdateHandler
from bot.runtime.reorder import ReorderWindow
from bot.telegram.updates import chat_id_of
from storage.db import Database
from storage.repos.pipeline import inbox, outbox, timers
from storage.repos.pipeline.inbox import ClaimedUpdate

log = logging.getLogger(__name__)

# Chats per commit. Small, so that the dispatcher (same event loop, same SQLite write turn)
# gets its turn between commits: with 8, sends fell to ~20/s while a burst of 1,000 new
# reporters was handled; with 2 they stay ~26/s (docs/benchmarks.md). While webhook requests
# pile up the worker pauses for ingest between turns, so it takes 8 a turn then, to keep up.
BATCH = 2
FLOOD_BATCH = 8

# Called in an update's savepoint with the tickets it touched (the case-system events).
AfterUpdate = Callable[[AsyncSession, list[str], datetime], Awaitable[None]]


class Worker(Wakeable):
    """Processes inbox rows until stopped; `wake()` makes it look again at once."""

    def __init__(
        self,
        db: Database,
        handler: UpdateHandler,
        *,
        on_commit: Callable[[], None],
        max_attempts: int,
        default_locale: str,
        batch: int = BATCH,
        run: int = 8,
        flooded: Callable[[], bool] = lambda: False,
        clock: Clock | None = None,
        after: AfterUpdate | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._db = db
        self._after = after
        self._handler = handler
        self._metrics = metrics or Metrics()
        self._on_commit = on_commit
        self._max_attempts = max_attempts
        self._batch = batch
        self._flooded = flooded
        self._max_yield = 0.25
        # A chat with many updates waiting brings up to this many to one commit, in order.
        self._run = run
        self._reorder = ReorderWindow()
        self._started = False
        self._held = 0.0
        self._locale = default_locale
        self._clock = clock or Clock()
        super().__init__()
        self._clock.on_change(self.wake)

    async def run(self, stop: asyncio.Event) -> None:
        """Process until `stop` is set."""
        await self.loop(stop, self._turn, log)

    async def _turn(self) -> float:
        if not await self.process_one():
            return self._held if self._held > 0 else 0.5
        await self._yield_to_ingest()
        return 0.0

    async def _yield_to_ingest(self) -> None:
        """During a burst, let webhook requests go first: Telegram waits on each one.

        The inbox holds what arrives, so handling can lag a little; it still gets a batch in at
        least every `_max_yield` seconds.
        """
        waited = 0.0
        while self._flooded() and waited < self._max_yield:
            await asyncio.sleep(0.02)
            waited += 0.02

    async def process_one(self) -> bool:
        """Handle the next due updates (up to a batch); True when any was handled or failed.

        Each update runs in its own savepoint, so one failure rolls back only itself; the batch
        shares one commit, which under load turns many fsyncs into one.
        """
        now = self._clock.now()
        touched: list[tuple[int, list[str]]] = []
        async with self._db.transaction() as session:
            below = await self._horizon(session)
            limit = max(FLOOD_BATCH, self._batch) if self._flooded() else self._batch
            items = await inbox.claim_batch(session, now, limit, run=self._run, below=below)
            failed: set[str] = set()
            processed = 0
            for item in items:
                if item.chat_key in failed:
                    continue  # its chat's earlier update failed: it waits for that one
                references = await self._process(session, item, now)
                if references is None:
                    failed.add(item.chat_key)
                    continue
                processed += 1
                if references:
                    touched.append((item.update_id, references))
        # Logged and counted only once committed: a log line never names a ticket that does
        # not exist.
        self._metrics.processed.inc(processed)
        self._metrics.failed.inc(len(failed))
        for update_id, references in touched:
            log.info("update %d processed: ticket %s", update_id, ", ".join(references))
        if items:
            self._on_commit()
        return bool(items)

    async def _horizon(self, session: AsyncSession) -> int | None:
        """The first update id not to handle yet: a lower one may still be on its way."""
        window = self._reorder
        if not self._started:  # what was stored before this process started is settled
            window.watermark, self._started = await inbox.highest(session), True
        arrived = await inbox.arrived_after(session, window.watermark or 0, limit=2000)
        below, self._held = window.horizon(arrived, self._clock.monotonic())
        return below

    async def _process(
        self, session: AsyncSession, item: ClaimedUpdate, now: datetime
    ) -> list[str] | None:
        """Handle one update in a savepoint; the tickets it touched (None when it failed)."""
        try:
            async with session.begin_nested():
                handled = await self._handler.handle(session, item.payload, now, item.received_at)
                await outbox.add(session, handled.messages, now)
                await timers.schedule(session, handled.timers, now)
                if self._after is not None and handled.references:
                    await self._after(session, handled.references, now)
        except Exception as exc:
            await self._failed(session, item, exc, now)
            return None
        await inbox.mark_done(session, item.update_id, now)
        log.debug("update %d processed", item.update_id)
        return handled.references

    async def _failed(
        self, session: AsyncSession, item: ClaimedUpdate, exc: Exception, now: datetime
    ) -> None:
        attempt = item.attempts + 1
        park = attempt >= self._max_attempts
        log.error(
            "update %d failed (attempt %d/%d): %s%s",
            item.update_id,
            attempt,
            self._max_attempts,
            describe(exc),
            "; parked" if park else "",
        )
        retry_in = None if park else timedelta(seconds=max(backoff(attempt, cap=60.0), 0.5))
        chat_id = chat_id_of(item.payload) if park else None
        await inbox.mark_failed(session, item.update_id, now, type(exc).__name__, retry_in)
        if park:
            self._metrics.parked.inc()  # counted before the commit: a rare overcount on a crash
        if chat_id is not None and chat_id > 0:
            await outbox.add(session, [self._handler.apology(chat_id, self._locale)], now)
