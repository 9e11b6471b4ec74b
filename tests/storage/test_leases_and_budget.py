"""Outbox leases that end with their process, supersede keys, and the shared send budget."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import session_factory
from storage.models import OutboxMessage
from storage.owner import Owner
from storage.repos.pipeline import budget, outbox
from storage.repos.pipeline.budget import Rule
from storage.repos.pipeline.outbox import NewMessage

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


async def _status(engine: AsyncEngine, row_id: int) -> tuple[str, int | None]:
    async with session_factory(engine)() as s:
        row = await s.get(OutboxMessage, row_id)
        assert row is not None
        return row.status, row.lease_owner


async def test_a_lease_is_free_once_its_process_dies_and_a_late_finish_changes_nothing(
    engine: AsyncEngine, owner: int
) -> None:
    postgres = engine.dialect.name == "postgresql"
    sessions = session_factory(engine)
    other = Owner(engine, postgres=postgres)  # "another process" on the same database
    assert await other.hold()
    async with sessions() as s, s.begin():
        await outbox.add(s, [NewMessage("staff", True, "sendMessage", b"card")], NOW)
    async with sessions() as s, s.begin():
        (row,) = await outbox.due(s, NOW, limit=5, owner=other.id)
        assert await outbox.lease(s, row.id, NOW, LEASE, owner=other.id)
    async with sessions() as s, s.begin():
        if postgres:  # the other process is alive: its row is not ours to take
            assert await outbox.due(s, NOW, limit=5, owner=owner) == []
            assert not await outbox.lease(s, row.id, NOW, LEASE, owner=owner)
    if postgres:  # it dies: PostgreSQL drops its connection, and its lock with it
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND ((classid::bigint << 32) | objid::bigint) = :id"
                ),
                {"id": other.id},
            )
        for _ in range(50):
            async with engine.connect() as conn:
                if not (
                    await conn.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                            "((classid::bigint << 32) | objid::bigint) = :id"
                        ),
                        {"id": other.id},
                    )
                ).scalar():
                    break
            await asyncio.sleep(0.05)
    async with sessions() as s, s.begin():  # free at once, with no lease time to wait out
        assert [d.id for d in await outbox.due(s, NOW, limit=5, owner=owner)] == [row.id]
        assert await outbox.lease(s, row.id, NOW, LEASE, owner=owner)
    async with sessions() as s, s.begin():  # the dead owner's late finish changes nothing
        assert not await outbox.mark_sent(s, row.id, NOW, owner=other.id)
        assert not await outbox.retry_later(s, row.id, NOW, "x", owner=other.id)
        assert not await outbox.mark_failed(s, row.id, NOW, "x", owner=other.id)
    assert await _status(engine, row.id) == ("pending", owner)
    async with sessions() as s, s.begin():
        assert await outbox.mark_sent(s, row.id, NOW, owner=owner)
    assert await _status(engine, row.id) == ("sent", None)
    await other.release()


async def test_a_newer_prompt_supersedes_unsent_ones_of_its_chat_only(
    engine: AsyncEngine, owner: int
) -> None:
    sessions = session_factory(engine)

    def prompt(chat: str, body: bytes) -> NewMessage:
        return NewMessage(chat, False, "sendMessage", body, supersede="prompt", replaces="prompt")

    async with sessions() as s, s.begin():
        await outbox.add(
            s,
            [
                prompt("a", b"q1"),
                NewMessage("a", False, "sendMessage", b"note"),
                prompt("b", b"other chat"),
            ],
            NOW,
        )
    async with sessions() as s, s.begin():
        (first, _other_chat) = await outbox.due(s, NOW, limit=5, owner=owner)
        assert first.sealed == b"q1"
        assert await outbox.lease(s, first.id, NOW, LEASE, owner=owner)  # being sent now
        await outbox.add(s, [prompt("a", b"q2")], NOW)
    async with sessions() as s, s.begin():
        await outbox.add(s, [prompt("a", b"q3")], NOW)
        pending = (
            await s.scalars(
                select(OutboxMessage.payload)
                .where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id)
            )
        ).all()
    # q1 was in flight (kept), q2 was replaced by q3, the note and the other chat stay.
    assert pending == [b"q1", b"note", b"other chat", b"q3"]


async def test_the_budget_counts_every_taker_and_pauses(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    rules: list[tuple[str, tuple[Rule, ...]]] = [
        ("global", (Rule(3, 1.0),)),
        ("chat:x", (Rule(2, 1.0),)),
    ]

    async def take(at: float, keys: list[tuple[str, tuple[Rule, ...]]] | None = None) -> float:
        async with sessions() as s, s.begin():
            return await budget.take(s, rules if keys is None else keys, at)

    assert [await take(100.0), await take(100.1)] == [0.0, 0.0]
    assert abs(await take(100.2) - 0.8) < 1e-9  # the chat's two are taken until 101.0
    assert await take(100.2, [("global", (Rule(3, 1.0),))]) == 0.0  # another chat: ok
    assert abs(await take(100.3, [("global", (Rule(3, 1.0),))]) - 0.7) < 1e-9  # global full
    assert await take(101.2) == 0.0
    async with sessions() as s, s.begin():
        await budget.pause(s, "chat:x", 110.0)
    assert abs(await take(105.0) - 5.0) < 1e-9
    async with sessions() as s, s.begin():
        assert await budget.purge(s, 200.0) == 2


async def test_concurrent_takers_never_exceed_the_budget(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    granted: list[int] = []

    async def taker(n: int) -> None:
        async with sessions() as s, s.begin():
            if await budget.take(s, [("global", (Rule(5, 10.0),))], 50.0) == 0:
                granted.append(n)

    await asyncio.gather(*(taker(n) for n in range(20)))
    assert len(granted) == 5
