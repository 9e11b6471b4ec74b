"""Timers, tracked message ids and per-flow conversations against real databases."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra.crypto import Keys, new_data_key
from storage.db import session_factory
from storage.repos.pipeline import conversations, timers, tracked
from storage.repos.pipeline.timers import NewTimer

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def test_a_timer_key_schedules_once_and_fires_when_due(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    later = NOW + timedelta(minutes=5)
    async with sessions() as s, s.begin():
        await timers.schedule(
            s, [NewTimer("sla", "sla:TPPO-1:remind", later, "TPPO-1", {"step": 1})], NOW
        )
        # Scheduling again (a restart, another process) changes nothing, even another time.
        await timers.schedule(s, [NewTimer("sla", "sla:TPPO-1:remind", NOW, "TPPO-1")], NOW)
        assert await timers.next_due(s) == later
    async with sessions() as s, s.begin():
        assert await timers.claim_due(s, NOW + timedelta(minutes=4), 10) == []
    async with sessions() as s, s.begin():
        (due,) = await timers.claim_due(s, later, 10)
        assert (due.kind, due.ticket_ref, due.data) == ("sla", "TPPO-1", {"step": 1})
        await timers.mark_done(s, due.id, later)
    async with sessions() as s, s.begin():
        assert await timers.claim_due(s, later + timedelta(days=1), 10) == []
        assert await timers.next_due(s) is None


async def test_failed_timers_retry_later_and_cancelled_ones_never_fire(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await timers.schedule(s, [NewTimer("a", "a:1", NOW), NewTimer("b", "b:1", NOW)], NOW)
        assert await timers.cancel(s, ["b:1"]) == 1
    async with sessions() as s, s.begin():
        (due,) = await timers.claim_due(s, NOW, 10)
        await timers.mark_failed(s, due.id, NOW, "RuntimeError", timedelta(seconds=30))
    async with sessions() as s, s.begin():
        assert await timers.claim_due(s, NOW + timedelta(seconds=29), 10) == []
        (again,) = await timers.claim_due(s, NOW + timedelta(seconds=30), 10)
        assert again.attempts == 1
        await timers.mark_failed(s, again.id, NOW, "RuntimeError", None)
    async with sessions() as s, s.begin():
        assert await timers.claim_due(s, NOW + timedelta(days=1), 10) == []
        assert await timers.purge(s, NOW + timedelta(seconds=1)) == 1


async def test_concurrent_claims_never_take_one_timer_twice(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await timers.schedule(s, [NewTimer("k", f"k:{n}", NOW) for n in range(20)], NOW)
    claimed: list[int] = []
    sqlite = engine.dialect.name == "sqlite"
    lock = asyncio.Lock()

    async def claimer() -> None:
        while True:
            # SQLite takes one writer at a time (its own lock would only make them wait).
            guard = lock if sqlite else contextlib.nullcontext()
            async with guard, sessions() as s, s.begin():
                due = await timers.claim_due(s, NOW, 3)
                for timer in due:
                    await timers.mark_done(s, timer.id, NOW)
            if not due:
                return
            claimed.extend(t.id for t in due)

    await asyncio.gather(*(claimer() for _ in range(4)))
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 20


async def test_tracked_ids_are_kept_replaced_and_forgotten(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await tracked.remember(s, "card:TPPO-1", 10, NOW)
        await tracked.remember(s, "card:TPPO-1", 11, NOW)
        await tracked.remember(s, "topic:TPPO-1", 77, NOW)
    async with sessions() as s, s.begin():
        assert await tracked.lookup(s, ["card:TPPO-1", "topic:TPPO-1", "card:X"]) == {
            "card:TPPO-1": 11,
            "topic:TPPO-1": 77,
        }
        await tracked.forget(s, ["card:TPPO-1"])
        assert await tracked.lookup(s, ["card:TPPO-1"]) == {}


class _Codec:
    def __init__(self, name: str) -> None:
        self.name = name

    def dump(self, state: str) -> dict[str, Any]:
        return {"v": 1, "s": state}

    def load(self, data: Mapping[str, Any]) -> str | None:
        return str(data["s"]) if data.get("v") == 1 else None


async def test_each_flow_keeps_its_own_state_for_one_person(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    intake, triage = _Codec("intake"), _Codec("triage")
    async with sessions() as s, s.begin():
        await conversations.save(s, intake, "key1", "draft", NOW)
        await conversations.save(s, triage, "key1", "replying", NOW)
        await conversations.save(s, intake, "key1", "draft2", NOW)
    async with sessions() as s, s.begin():
        assert await conversations.load(s, intake, "key1") == "draft2"
        assert await conversations.load(s, triage, "key1") == "replying"
        await conversations.forget(s, "key1")  # /hapus forgets the person in every flow
        assert await conversations.load(s, triage, "key1") is None
