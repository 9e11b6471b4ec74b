"""The timer loop on real databases, in simulated time: due timers fire once, even after a
restart that missed them; a kind nobody handles is marked failed, never dropped quietly."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import ManualClock
from bot.runtime.timers import Fired, TimerLoop
from storage.db import Database
from storage.models import OutboxMessage, Timer
from storage.repos import timers
from storage.repos.outbox import NewMessage
from storage.repos.timers import DueTimer, NewTimer


async def _fired_kinds(db: Database) -> list[tuple[str, str]]:
    async with db.transaction() as s:
        rows = await s.execute(select(Timer.key, Timer.status).order_by(Timer.id))
        return [(k, st) for k, st in rows]


async def _ping(session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
    step = int(timer.data.get("step", 1))
    follow = (
        [NewTimer("ping", f"ping:{step + 1}", now + timedelta(minutes=5), data={"step": step + 1})]
        if step < 2
        else []
    )
    message = NewMessage("chat", True, "sendMessage", b"sealed", ticket_ref=timer.ticket_ref)
    return Fired(messages=[message], timers=follow)


async def test_timers_fire_once_in_simulated_time_and_after_a_restart(database_url: str) -> None:
    clock = ManualClock()
    db = Database(database_url)
    try:
        loop = TimerLoop(db, clock=clock)
        loop.register("ping", _ping)
        async with db.transaction() as s:
            await timers.schedule(
                s,
                [
                    NewTimer(
                        "ping",
                        "ping:1",
                        clock.now() + timedelta(minutes=5),
                        "TPPO-AAAAAA",
                        {"step": 1},
                    )
                ],
                clock.now(),
            )
        assert await loop.fire_due() == 0
        clock.advance(timedelta(minutes=5))
        assert await loop.fire_due() == 1
        assert await loop.fire_due() == 0  # fired is fired
        # The process stops; the next step's deadline passes while it is down.
        clock.advance(timedelta(hours=2))
        restarted = TimerLoop(db, clock=clock)
        restarted.register("ping", _ping)
        assert await restarted.fire_due() == 1
        assert await restarted.fire_due() == 0
        assert await _fired_kinds(db) == [("ping:1", "done"), ("ping:2", "done")]
        async with db.transaction() as s:
            refs = (await s.scalars(select(OutboxMessage.ticket_ref))).all()
        assert refs == ["TPPO-AAAAAA", None]
    finally:
        await db.dispose()


async def test_a_timer_of_unknown_kind_is_failed_and_logged(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock()
    db = Database(database_url)
    try:
        loop = TimerLoop(db, clock=clock)
        async with db.transaction() as s:
            await timers.schedule(s, [NewTimer("nobody", "nobody:1", clock.now())], clock.now())
        with caplog.at_level(logging.ERROR, logger="bot.runtime.timers"):
            assert await loop.fire_due() == 1
        assert await _fired_kinds(db) == [("nobody:1", "failed")]
        assert any("UnknownTimer" in r.getMessage() for r in caplog.records)
    finally:
        await db.dispose()


async def test_a_failing_handler_rolls_back_its_work_and_retries(database_url: str) -> None:
    clock = ManualClock()
    db = Database(database_url)
    calls = []

    async def flaky(session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
        calls.append(now)
        fired = await _ping(session, timer, now)
        if len(calls) == 1:
            raise RuntimeError("the first try fails after doing its work")
        return fired

    try:
        loop = TimerLoop(db, clock=clock)
        loop.register("ping", flaky)
        async with db.transaction() as s:
            await timers.schedule(
                s, [NewTimer("ping", "ping:2", clock.now(), data={"step": 2})], clock.now()
            )
        assert await loop.fire_due() == 1
        async with db.transaction() as s:
            assert (await s.scalars(select(OutboxMessage.id))).all() == []  # rolled back
        assert await loop.fire_due() == 0  # backing off
        clock.advance(timedelta(seconds=10))
        assert await loop.fire_due() == 1
        async with db.transaction() as s:
            assert len((await s.scalars(select(OutboxMessage.id))).all()) == 1
    finally:
        await db.dispose()
