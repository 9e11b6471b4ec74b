"""Recording what became of each send: sent, failed, retried later, or rewritten.

The call was made before this runs, so a record that cannot be written is tried again rather
than dropped (dropping it would send the call twice); every write is conditional on still
holding the row's lease, so a process that lost it changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta

from bot.infra.clock import Clock
from bot.metrics import Metrics
from bot.runtime.aio import backoff, describe, wait_for_event
from bot.runtime.health import Health
from bot.runtime.outcomes import Failed, Outcome, Retry, Rewrite, Sent
from bot.telegram.outgoing import Outgoing
from storage.db import Database
from storage.repos.pipeline import chatlog, outbox, timers, tracked
from storage.repos.pipeline.outbox import Due
from storage.repos.pipeline.timers import NewTimer

log = logging.getLogger(__name__)

MAX_BACKOFF = 300.0
MAX_ROW_ATTEMPTS = 10
STAFF_RETRY = 600.0  # seconds between tries of a ticket message the group will not take


def deletable(row: Due) -> bool:
    """A message of ours in a reporter's private chat, which /hapus may delete later."""
    sends = row.method.startswith("send") and row.method != "sendChatAction"
    return sends and not row.is_group and row.ticket_ref is None


def essential(row: Due) -> bool:
    """A ticket's message to the staff group: it is never given up."""
    return row.ticket_ref is not None and row.is_group


class Recorder:
    """Writes each send's outcome to the outbox (shared commits for the common cases)."""

    def __init__(
        self,
        db: Database,
        outgoing: Outgoing,
        clock: Clock,
        health: Mapping[str, Health],
        wake: Callable[[], None],
        metrics: Metrics | None = None,
    ) -> None:
        self._db = db
        self._metrics = metrics or Metrics()
        self._out = outgoing
        self._clock = clock
        self.health = health
        self._wake = wake
        self.stop = asyncio.Event()
        self.recovered: set[str] = set()  # channels that answered again after an outage
        self._finished: list[tuple[Due, Outcome, asyncio.Future[None]]] = []
        self._flush = asyncio.Lock()

    @property
    def _owner(self) -> int:
        return self._db.owner.id

    async def settle(self, row: Due, outcome: Outcome, probe: bool) -> None:
        """Record the outcome, trying again while the database refuses: the call was made, so
        giving up here would send it twice. Only a stop ends the tries (the lease then ends
        with the process, and the row is sent again: at least once, never lost)."""
        self._metrics.sends.labels(row.channel, type(outcome).__name__.lower()).inc()
        attempt = 0
        while True:
            try:
                await self._apply(row, outcome, probe)
                if self.recovered:
                    await self._wake_stalled()
                return
            except Exception as exc:
                attempt += 1
                pause = max(backoff(attempt, base=0.1, cap=2.0), 0.05)
                log.error(
                    "outbox row %d: recording its outcome failed (%s); trying again in %.1f s",
                    row.id,
                    describe(exc),
                    pause,
                )
                if await wait_for_event(self.stop, pause):
                    return

    async def _wake_stalled(self) -> None:
        channels, self.recovered = self.recovered, set()
        async with self._db.transaction() as session:
            for channel in channels:
                woken = await outbox.wake_stalled(session, channel, self._clock.now())
                if woken:
                    log.info("%d outbox rows that waited for %s are due now", woken, channel)
        self._wake()

    async def _apply(self, row: Due, outcome: Outcome, probe: bool) -> None:
        if isinstance(outcome, Retry):
            await self._retry_outcome(row, outcome, probe)
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
                    session,
                    row.id,
                    outcome.method,
                    self._out.seal(outcome.params),
                    owner=self._owner,
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
            await self._retry(row, STAFF_RETRY, outcome.reason, aside=True)
        else:
            if isinstance(outcome, Failed):
                log.warning("outbox row %d (%s): given up: %s", row.id, row.method, outcome.reason)
            await self._finish(row, outcome)

    async def _retry_outcome(self, row: Due, outcome: Retry, probe: bool) -> None:
        if outcome.transient:
            # Attempts count only while the far side otherwise answers: an outage is nobody's
            # row's fault, and recovery wakes these rows anyway.
            counted = self.health[row.channel].up and not probe
            if counted and row.attempts + 1 >= MAX_ROW_ATTEMPTS and not essential(row):
                log.warning(
                    "outbox row %d (%s): given up after %d attempts: %s",
                    row.id,
                    row.method,
                    row.attempts + 1,
                    outcome.error,
                )
                await self._finish(row, Failed(outcome.error))
                return
            await self._retry(
                row,
                backoff(row.attempts, cap=MAX_BACKOFF),
                outcome.error,
                count=counted,
                stalled=True,
            )
            return
        seconds = backoff(row.attempts, cap=MAX_BACKOFF) if outcome.after is None else outcome.after
        # A long wait (the group moved, a long 429) holds up nothing behind it.
        await self._retry(
            row, seconds, outcome.error, count=outcome.count, aside=seconds >= STAFF_RETRY
        )

    async def _retry(
        self,
        row: Due,
        seconds: float,
        error: str,
        *,
        count: bool = True,
        stalled: bool = False,
        aside: bool = False,
    ) -> None:
        log.warning(
            "outbox row %d (%s): %s, retrying in %.0f s", row.id, row.ticket_ref, error, seconds
        )
        async with self._db.transaction() as session:
            kept = await outbox.retry_later(
                session,
                row.id,
                self._clock.now() + timedelta(seconds=seconds),
                error,
                owner=self._owner,
                count_attempt=count,
                stalled=stalled,
                aside=aside,
            )
        if not kept:
            log.warning("outbox row %d: its lease was lost; leaving it to its new owner", row.id)

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
                        if not await outbox.mark_sent(session, done.id, now, owner=self._owner):
                            log.warning(
                                "outbox row %d was sent after its lease was lost: it "
                                "may arrive twice",
                                done.id,
                            )
                            continue
                        if done.track and outcome.result_id is not None:
                            await tracked.remember(session, done.track, outcome.result_id, now)
                        if deletable(done) and outcome.result_id is not None:
                            await chatlog.remember(session, done.chat_key, [outcome.result_id], now)
                    elif isinstance(outcome, Failed):
                        if not await outbox.mark_failed(
                            session, done.id, now, outcome.reason, owner=self._owner
                        ):
                            continue
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
                if not future.done():
                    future.set_exception(exc)
        else:
            for *_, future in batch:
                if not future.done():
                    future.set_result(None)
