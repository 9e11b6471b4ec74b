"""The outbox dispatcher: delivers committed calls with retries, backoff and each channel's limits.

A row is marked sent only after the other side accepted it, so a crash in between repeats at
most that one call. Rows of one chat go strictly in order; different chats go concurrently;
rows outside any order (button acknowledgements, rows set aside after failing) go on their own.
The row's `channel` picks its transport; what is particular to Telegram lives in
bot/telegram/delivery/transport.py. While a transport's far side is down, one probe at a time
checks it, and once it answers every row that waited only for that is due at once
(bot/runtime/health.py).
What became of each send is written by bot/runtime/recording.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.infra.clock import Clock
from bot.metrics import Metrics
from bot.runtime.aio import Wakeable, describe
from bot.runtime.health import Health
from bot.runtime.outcomes import Failed, Outcome, Retry, Rewrite, Transport
from bot.runtime.recording import Recorder, essential
from bot.telegram.delivery.evidence import EVIDENCE
from bot.telegram.outgoing import Outgoing
from storage.db import Database
from storage.repos.pipeline import outbox, tracked
from storage.repos.pipeline.outbox import Due

log = logging.getLogger(__name__)

# A lease ends with its process (storage.owner); this caps it even for a live one.
LEASE = timedelta(minutes=10)
WINDOW = 2048  # rows looked at per pass: enough to see every waiting chat in a large burst


def urgency(row: Due) -> int:
    """Button acknowledgements first (Telegram's window is short), then the task force's
    messages (staff cards, and everything marked `priority`: someone may be in danger), then
    the rest with evidence."""
    if row.method == "answerCallbackQuery":
        return 0
    if row.method == EVIDENCE:  # after every card, so that evidence never holds one up
        return 2
    return 1 if essential(row) or row.priority else 2


def answered(outcome: Outcome) -> bool:
    """Whether the far side answered at all (even with a refusal)."""
    if isinstance(outcome, Retry):
        return not outcome.transient
    return not (isinstance(outcome, (Failed, Rewrite)) and outcome.local)


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
        metrics: Metrics | None = None,
    ) -> None:
        self._db = db
        self._transports = dict(transports)
        self.health = {name: Health() for name in self._transports}
        self._out = outgoing
        self._inflight: set[str] = set()  # chats with an in-order row in flight
        self._max_inflight = max_inflight
        # With sends in flight, look for more only once this many slots are free.
        self._refill = max(1, max_inflight // 4)
        self._slots = asyncio.Semaphore(concurrency)
        self._turns = asyncio.Lock()  # FIFO: the queue for the overall sending limit
        self._clock = clock or Clock()
        self._tasks: set[asyncio.Task[None]] = set()
        super().__init__()
        self._recorder = Recorder(db, outgoing, self._clock, self.health, self.wake, metrics)
        self._clock.on_change(self.wake)

    @property
    def _owner(self) -> int:
        return self._db.owner.id

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then let in-flight sends finish and free our leases."""
        self._recorder.stop = stop
        await self.loop(stop, self._turn, log)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        try:
            async with self._db.transaction() as session:
                await outbox.release(session, self._owner)
        except Exception as exc:  # they free themselves once this process is gone
            log.warning("could not release outbox leases at shutdown: %s", describe(exc))

    async def _turn(self) -> float:
        return min(await self.pump(), 1.0)

    def _transport(self, row: Due) -> Transport:
        return self._transports[row.channel]

    def _seconds(self) -> float:
        """The wall clock in seconds (health and probes follow simulated time in tests)."""
        return self._clock.now().timestamp()

    async def pump(self) -> float:
        """Start sends for rows that may go now; return seconds until it is worth looking again.

        Rows are only picked here; each send takes its turn under the rate limits right before
        its request, so the requests themselves, not the decisions, keep to the limits. Among
        the rows that may go, button acknowledgements and staff cards go first, then the chats
        we have not written to lately: in a burst, every reporter gets a first reply before
        anyone gets a second.
        """
        # A finished task leaves `_tasks` by callback, which may run after the wake-up.
        room = self._max_inflight - sum(not task.done() for task in self._tasks)
        if room <= 0 or (self._tasks and room < self._refill):
            # A finishing send wakes us. Under load the sends in flight are mostly waiting
            # for their turn; looking at the queue again for every single freed slot cost
            # more CPU than the sending itself.
            return 1.0
        if not self._db.owner.held:
            return 1.0  # others could not see that our leases are alive: take none
        now, mono, seconds = self._clock.now(), self._clock.monotonic(), self._seconds()
        probe_due = any(not h.up and h.probe_in(seconds) == 0 for h in self.health.values())
        ready: list[tuple[Due, bool]] = []
        delay = 1.0
        async with self._db.transaction() as session:  # pick and lease in one commit
            rows = await outbox.due(
                session,
                now,
                limit=WINDOW,
                owner=self._owner,
                skip_chats=frozenset(self._inflight),
                stalled_too=probe_due,
                with_payload=False,
            )
            for row in rows:
                if row.channel not in self._transports:
                    continue
                health = self.health[row.channel]
                if not health.up:  # one probe at a time while the far side is down
                    if health.probe_in(seconds) == 0:
                        health.probing = True
                        ready.append((row, True))
                    continue
                if row.due_at is not None and row.due_at > now:
                    continue  # stalled but not due, picked only for a probe of another channel
                wait = self._wait(row, mono, chat_only=True)
                if wait > 0:
                    delay = min(delay, wait)
                else:
                    ready.append((row, False))
            ready.sort(
                key=lambda r: (urgency(r[0]), self._transport(r[0]).last_sent(r[0].chat_key))
            )
            chosen = ready[:room]
            leased = [
                (r, probe)
                for r, probe in chosen
                if await outbox.lease(session, r.id, now, LEASE, owner=self._owner)
            ]
            sealed = await outbox.payloads(session, [r.id for r, _probe in leased])
            leased = [(replace(r, sealed=sealed.get(r.id, b"")), probe) for r, probe in leased]
        for row, probe in leased:
            if row.in_order:
                self._inflight.add(row.chat_key)
            task = asyncio.create_task(self._deliver(row, probe))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        taken = {row.id for row, _probe in leased}  # by id: the leased copies carry payloads
        for row, probe in chosen:
            if probe and row.id not in taken:
                self.health[row.channel].probing = False
        for transport in self._transports.values():
            transport.forget_idle(mono)
        for health in self.health.values():
            if not health.up:
                delay = min(delay, max(health.probe_in(seconds), 0.05))
        busy = len(ready) > room or (bool(ready) and len(rows) == WINDOW)
        return 0.0 if busy else delay

    def _wait(self, row: Due, mono: float, *, chat_only: bool = False) -> float:
        return self._transport(row).wait(
            row.method, row.chat_key, row.is_group, mono, chat_only=chat_only
        )

    async def _take_turn(self, row: Due, method: str) -> None:
        """Sleep until this call fits every limit (shared by all processes), then count it.

        Calls queue for the overall limit in the order they were picked (most urgent first),
        so a reporter's second message cannot overtake another's first; a call held by its own
        chat's limit waits outside the queue and lets the others go meanwhile.
        """
        transport = self._transport(row)

        async def reserve() -> float:
            return await transport.reserve(
                method, row.chat_key, row.is_group, self._clock.monotonic()
            )

        while True:
            async with self._turns:
                # The limits are computed, not signalled: sleeping the computed wait is the point.
                while (wait := await reserve()) > 0:
                    if self._wait(row, self._clock.monotonic(), chat_only=True) > 0:
                        break
                    await asyncio.sleep(wait)
                else:
                    return
            await asyncio.sleep(wait)

    async def _deliver(self, row: Due, probe: bool) -> None:
        try:
            async with self._slots:
                outcome = await self._attempt(row)
            self._observe(row, outcome, probe)
            await self._recorder.settle(row, outcome, probe)
        except Exception as exc:
            log.error("outbox row %d: delivery bookkeeping failed: %s", row.id, describe(exc))
        finally:
            if probe:
                self.health[row.channel].probing = False
            if row.in_order:
                self._inflight.discard(row.chat_key)
            self._wake.set()

    def _observe(self, row: Due, outcome: Outcome, probe: bool) -> None:
        """Feed the far side's health: down after transient failures, up on any answer."""
        health = self.health[row.channel]
        if isinstance(outcome, Retry) and outcome.transient:
            was_up = health.up
            health.failed(self._seconds())
            if was_up and not health.up:
                log.error(
                    "%s is not answering (%s): holding its messages and checking every few seconds",
                    row.channel,
                    outcome.error,
                )
        elif answered(outcome) and health.succeeded():
            log.warning("%s answers again: sending what waited", row.channel)
            self._recorder.recovered.add(row.channel)

    async def _attempt(self, row: Due) -> Outcome:
        """Open, fill and send one row; a row we cannot even express fails honestly."""
        transport = self._transport(row)
        try:
            method, params = await self._prepared(row, transport)
            await self._take_turn(row, method)
        except (SQLAlchemyError, OSError) as exc:  # the database, not the row: try again soon
            return Retry(None, describe(exc), count=False)
        except Exception as exc:  # a row we cannot open or express (a bug, a changed DATA_KEY)
            return Failed(
                f"cannot prepare: {describe(exc)}", group_unreachable=essential(row), local=True
            )
        return await transport.send(
            method,
            params,
            chat_key=row.chat_key,
            now=self._clock.monotonic(),
            essential=essential(row),
        )

    async def _prepared(self, row: Due, transport: Transport) -> tuple[str, dict[str, Any]]:
        params = self._out.open(row.sealed)
        if not row.fill:
            return row.method, params
        async with self._db.sessions() as session:
            known = await tracked.lookup(session, row.fill.values())
        return transport.fill(
            row.method, params, {name: known.get(track) for name, track in row.fill.items()}
        )
