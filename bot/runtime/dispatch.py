"""The outbox dispatcher: delivers committed calls with retries, backoff and each channel's limits.

A row is marked sent only after the other side accepted it, so a crash in between repeats at
most that one call. Rows of one chat go strictly in order; different chats go concurrently.
The row's `channel` picks its transport; what is particular to Telegram lives in
bot/telegram/transport.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.infra.clock import Clock
from bot.runtime.aio import Wakeable, describe
from bot.runtime.outcomes import Failed, Outcome, Retry, Rewrite, Sent, Transport
from bot.telegram.outgoing import Outgoing
from storage.db import Database
from storage.repos import outbox, timers, tracked
from storage.repos.outbox import Due
from storage.repos.timers import NewTimer

log = logging.getLogger(__name__)

# Long enough for a send that waits its turn and then times out (well under a minute), short
# enough that rows leased by a process that died free up soon on a shared PostgreSQL.
LEASE = timedelta(seconds=60)
MAX_BACKOFF = 300.0
MAX_ROW_ATTEMPTS = 10
STAFF_RETRY = 600.0  # seconds between tries of a ticket message the group will not take


def backoff(attempts: int) -> float:
    """Seconds before retry number `attempts` + 1: 1, 2, 4 ... capped at five minutes."""
    return min(2.0**attempts, MAX_BACKOFF)


def essential(row: Due) -> bool:
    """A ticket's message to the staff group: it is never given up."""
    return row.ticket_ref is not None and row.is_group


class Dispatcher(Wakeable):
    """Sends pending outbox rows until stopped; `wake()` makes it look again at once."""

    def __init__(
        self,
        db: Database,
        transports: Mapping[str, Transport],
        outgoing: Outgoing,
        *,
        concurrency: int = 16,
        max_inflight: int = 16,
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self._transports = dict(transports)
        self._out = outgoing
        self._inflight: set[str] = set()
        self._max_inflight = max_inflight
        self._slots = asyncio.Semaphore(concurrency)
        self._finished: list[tuple[Due, Outcome, asyncio.Future[None]]] = []
        self._flush = asyncio.Lock()
        self._clock = clock or Clock()
        self._tasks: set[asyncio.Task[None]] = set()
        super().__init__()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then let in-flight sends finish."""
        await self.loop(stop, self._turn, log)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)

    async def _turn(self) -> float:
        return min(await self.pump(), 1.0)

    def _transport(self, row: Due) -> Transport:
        return self._transports[row.channel]

    async def pump(self) -> float:
        """Start sends for rows that may go soon; return seconds until it is worth looking again.

        Rows are only picked here; each send takes its place under the rate limits right before
        its request, so the requests themselves, not the decisions, keep to the limits.
        In-flight rows are capped so that none waits anywhere near its lease. Among the chats
        that may go, those we have not written to lately go first: in a burst, every reporter
        gets a first reply before anyone gets a second.
        """
        room = self._max_inflight - len(self._inflight)
        if room <= 0:
            return 1.0  # a finishing send wakes us
        now = self._clock.now()
        ready: list[Due] = []
        delay = 1.0
        mono = self._clock.monotonic()
        window = 2048  # enough to see every waiting chat in a burst of this scale
        async with self._db.transaction() as session:  # pick and lease in one commit
            rows = await outbox.due(
                session, now, limit=window, skip_chats=frozenset(self._inflight)
            )
            rows = [r for r in rows if r.channel in self._transports]
            for row in rows:
                wait = self._wait(row, mono, chat_only=True)
                if wait > 0:
                    delay = min(delay, wait)
                else:
                    ready.append(row)
            ready.sort(key=lambda r: self._transport(r).last_sent(r.chat_key))  # stable
            chosen = ready[:room]
            leased = [r for r in chosen if await outbox.lease(session, r.id, now, LEASE)]
        for row in leased:
            self._inflight.add(row.chat_key)
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        for transport in self._transports.values():
            transport.forget_idle(mono)
        return 0.0 if len(ready) > room or (ready and len(rows) == window) else delay

    def _wait(self, row: Due, mono: float, *, chat_only: bool = False) -> float:
        return self._transport(row).wait(
            row.method, row.chat_key, row.is_group, mono, chat_only=chat_only
        )

    async def _take_turn(self, row: Due, method: str) -> None:
        """Sleep until this call fits every limit, then count it."""
        transport = self._transport(row)
        # The limits are computed, not signalled: sleeping the computed wait is the point.
        while (  # noqa: ASYNC110
            wait := transport.wait(method, row.chat_key, row.is_group, self._clock.monotonic())
        ) > 0:
            await asyncio.sleep(wait)
        transport.record(method, row.chat_key, row.is_group, self._clock.monotonic())

    async def _deliver(self, row: Due) -> None:
        try:
            async with self._slots:
                outcome = await self._attempt(row)
                await self._apply(row, outcome)
        except Exception as exc:
            log.error("outbox row %d: delivery bookkeeping failed: %s", row.id, describe(exc))
        finally:
            self._inflight.discard(row.chat_key)
            self._wake.set()

    async def _attempt(self, row: Due) -> Outcome:
        """Open, fill and send one row; a row we cannot even express is a failed attempt."""
        transport = self._transport(row)
        try:
            method, params = await self._prepared(row, transport)
            await self._take_turn(row, method)
            return await transport.send(
                method,
                params,
                chat_key=row.chat_key,
                now=self._clock.monotonic(),
                essential=essential(row),
            )
        except Exception as exc:  # a row we cannot open or express (a bug, a changed DATA_KEY)
            if row.attempts + 1 >= MAX_ROW_ATTEMPTS and not essential(row):
                return Failed(describe(exc))
            return Retry(None, describe(exc))

    async def _prepared(self, row: Due, transport: Transport) -> tuple[str, dict[str, Any]]:
        params = self._out.open(row.sealed)
        if not row.fill:
            return row.method, params
        async with self._db.sessions() as session:
            known = await tracked.lookup(session, row.fill.values())
        return transport.fill(
            row.method, params, {name: known.get(track) for name, track in row.fill.items()}
        )

    async def _apply(self, row: Due, outcome: Outcome) -> None:
        if isinstance(outcome, Retry):
            seconds = backoff(row.attempts) if outcome.after is None else outcome.after
            await self._retry(row, seconds, outcome.error, count=outcome.count)
        elif isinstance(outcome, Rewrite):
            if outcome.error:
                log.error(
                    "outbox row %d (%s): refused (%s); sending it another way",
                    row.id,
                    row.ticket_ref,
                    outcome.error,
                )
            async with self._db.transaction() as session:
                await outbox.replace(
                    session, row.id, outcome.method, self._out.seal(outcome.params)
                )
        elif isinstance(outcome, Failed) and essential(row):
            log.error(
                "outbox row %d (%s) cannot be delivered (%s): check STAFF_CHAT_ID and "
                "that the bot is in the group; retrying every %d min",
                row.id,
                row.ticket_ref,
                outcome.reason,
                int(STAFF_RETRY // 60),
            )
            await self._retry(row, STAFF_RETRY, outcome.reason)
        else:
            if isinstance(outcome, Failed):
                log.warning("outbox row %d (%s): given up: %s", row.id, row.method, outcome.reason)
            await self._finish(row, outcome)

    async def _retry(self, row: Due, seconds: float, error: str, *, count: bool = True) -> None:
        log.warning(
            "outbox row %d (%s): %s, retrying in %.0f s", row.id, row.ticket_ref, error, seconds
        )
        async with self._db.transaction() as session:
            await outbox.retry_later(
                session,
                row.id,
                self._clock.now() + timedelta(seconds=seconds),
                error,
                count_attempt=count,
            )

    async def _finish(self, row: Due, outcome: Outcome) -> None:
        """Record the outcome; concurrent outcomes share one commit (one fsync on SQLite)."""
        recorded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._finished.append((row, outcome, recorded))
        async with self._flush:
            batch, self._finished = self._finished, []
            if batch:
                await self._record(batch)
        await recorded  # raises if the commit that carried our outcome failed

    async def _record(self, batch: list[tuple[Due, Outcome, asyncio.Future[None]]]) -> None:
        now = self._clock.now()
        try:
            async with self._db.transaction() as session:
                for done, outcome, _ in batch:
                    if isinstance(outcome, Sent):
                        await outbox.mark_sent(session, done.id, now)
                        if done.track and outcome.result_id is not None:
                            await tracked.remember(session, done.track, outcome.result_id, now)
                    elif isinstance(outcome, Failed):
                        await outbox.mark_failed(session, done.id, now, outcome.reason)
                        if done.on_fail:
                            await timers.schedule(
                                session,
                                [
                                    NewTimer(
                                        done.on_fail,
                                        f"{done.on_fail}:outbox:{done.id}",
                                        now,
                                        done.ticket_ref,
                                        {"track": done.track},
                                    )
                                ],
                                now,
                            )
        except Exception as exc:
            for *_, future in batch:
                future.set_exception(exc)
        else:
            for *_, future in batch:
                future.set_result(None)
