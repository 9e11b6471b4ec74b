"""The timer loop: fires due timer rows (SLA steps, retention sweeps) through their handlers.

A timer fires inside one transaction with everything it causes (outbox rows, new timers), so a
crash either fires it completely or not at all; several processes skip each other's rows. A
kind nobody registered is an error: the row is marked failed and logged, never dropped quietly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import BotError
from bot.infra.clock import Clock
from bot.runtime.aio import Wakeable, describe
from storage.db import Database
from storage.repos import outbox, timers
from storage.repos.outbox import NewMessage
from storage.repos.timers import DueTimer, NewTimer

log = logging.getLogger(__name__)

MAX_TIMER_ATTEMPTS = 5
IDLE = 1.0  # seconds between looks when nothing is due soon (cheap: one indexed query)


@dataclass
class Fired:
    """What a timer handler did: calls to send and timers to set next."""

    messages: list[NewMessage] = field(default_factory=list)
    timers: list[NewTimer] = field(default_factory=list)


TimerHandler = Callable[[AsyncSession, DueTimer, datetime], Awaitable[Fired]]


class UnknownTimer(BotError):
    """A timer row of a kind no handler is registered for."""


class TimerLoop(Wakeable):
    """Claims due timers and runs each kind's handler; `wake()` after scheduling one soon."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock | None = None,
        batch: int = 16,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._db = db
        self._clock = clock or Clock()
        self._batch = batch
        self._on_commit = on_commit
        self._handlers: dict[str, TimerHandler] = {}
        super().__init__()
        self._clock.on_change(self.wake)

    def register(self, kind: str, handler: TimerHandler) -> None:
        """Fire timers of `kind` with `handler`."""
        if kind in self._handlers:
            raise BotError(f"timer kind {kind!r} already has a handler")
        self._handlers[kind] = handler

    async def run(self, stop: asyncio.Event) -> None:
        """Fire timers until `stop` is set."""
        await self.loop(stop, self._turn, log)

    async def _turn(self) -> float:
        if await self.fire_due():
            return 0.0
        return IDLE

    async def fire_due(self) -> int:
        """Fire every timer due now (up to a batch); how many were claimed."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            due = await timers.claim_due(session, now, self._batch)
            for timer in due:
                await self._fire(session, timer, now)
        if due:
            self._on_commit()
        return len(due)

    async def _fire(self, session: AsyncSession, timer: DueTimer, now: datetime) -> None:
        try:
            async with session.begin_nested():
                handler = self._handlers.get(timer.kind)
                if handler is None:
                    raise UnknownTimer(timer.kind)
                fired = await handler(session, timer, now)
                await outbox.add(session, fired.messages, now)
                await timers.schedule(session, fired.timers, now)
        except Exception as exc:
            attempt = timer.attempts + 1
            give_up = attempt >= MAX_TIMER_ATTEMPTS or isinstance(exc, UnknownTimer)
            log.error(
                "timer %d (%s, %s) failed (attempt %d): %s%s",
                timer.id,
                timer.kind,
                timer.ticket_ref,
                attempt,
                describe(exc),
                "; given up" if give_up else "",
            )
            retry = None if give_up else timedelta(seconds=min(2**attempt * 5, 300))
            await timers.mark_failed(session, timer.id, now, type(exc).__name__, retry)
            return
        await timers.mark_done(session, timer.id, now)
        log.info("timer %s fired (%s)", timer.kind, timer.ticket_ref or "-")
