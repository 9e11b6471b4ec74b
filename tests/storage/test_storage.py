"""Repositories against real databases: inbox, outbox, conversations, tickets, migrations."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra.clock import ManualClock
from bot.infra.crypto import Keys, new_data_key
from bot.runtime.janitor import Janitor
from flows.domain.report import Report
from flows.domain.ticket import TicketStatus
from storage.db import Database, WriteGate, alembic_config, session_factory
from storage.models import InboxUpdate, OutboxMessage
from storage.repos.pipeline import inbox, outbox
from storage.repos.pipeline.inbox import NewUpdate
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.triage import tickets

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def _u(update_id: int, chat: str) -> NewUpdate:
    return NewUpdate(update_id, chat, f'{{"update_id": {update_id}}}')


async def test_models_match_migrations(database_url: str) -> None:
    await asyncio.to_thread(command.check, alembic_config(database_url))


async def test_inbox_ignores_a_repeated_update(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        assert await inbox.add(s, [_u(1, "a"), _u(2, "a")], NOW) == 2
    async with sessions() as s, s.begin():
        assert await inbox.add(s, [_u(2, "a"), _u(3, "b")], NOW) == 1
        assert await inbox.pending_count(s) == 3


async def test_claims_follow_update_order_one_chat_at_a_time(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await inbox.add(s, [_u(10, "a"), _u(11, "b"), _u(12, "a")], NOW)
    order = []
    while True:
        async with sessions() as s, s.begin():
            item = await inbox.claim_next(s, NOW)
            if item is None:
                break
            order.append(item.update_id)
            await inbox.mark_done(s, item.update_id, NOW)
    assert order == [10, 11, 12]
    async with sessions() as s:
        payloads = list(await s.scalars(select(InboxUpdate.payload)))
    assert payloads == [None, None, None]


async def test_a_failing_update_blocks_only_its_own_chat(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await inbox.add(s, [_u(1, "a"), _u(2, "a"), _u(3, "b")], NOW)
    async with sessions() as s, s.begin():
        item = await inbox.claim_next(s, NOW)
        assert item is not None and item.update_id == 1
        await inbox.mark_failed(s, 1, NOW, "Boom", timedelta(seconds=30))
    async with sessions() as s, s.begin():
        item = await inbox.claim_next(s, NOW)
        assert item is not None and item.update_id == 3  # chat b goes on; 2 waits behind 1
        await inbox.mark_done(s, 3, NOW)
    async with sessions() as s, s.begin():
        assert await inbox.claim_next(s, NOW) is None
        await inbox.mark_failed(s, 1, NOW, "Boom", None)  # parked: erased, chat a unblocked
    async with sessions() as s, s.begin():
        item = await inbox.claim_next(s, NOW)
        assert item is not None and item.update_id == 2
        parked = await s.get(InboxUpdate, 1)
        assert parked is not None and parked.status == "parked" and parked.payload is None


async def test_concurrent_claims_never_share_a_chat(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await inbox.add(s, [_u(i, f"chat{i % 3}") for i in range(1, 31)], NOW)
    seen: list[tuple[str, int]] = []
    active: set[str] = set()
    clashes = 0

    async def work() -> None:
        nonlocal clashes
        while True:
            async with sessions() as s, s.begin():
                item = await inbox.claim_next(s, NOW)
                if item is None:
                    return
                if item.chat_key in active:
                    clashes += 1
                active.add(item.chat_key)
                await asyncio.sleep(0.001)
                seen.append((item.chat_key, item.update_id))
                active.discard(item.chat_key)
                await inbox.mark_done(s, item.update_id, NOW)

    await asyncio.gather(*(work() for _ in range(4)))
    assert clashes == 0
    assert sorted(u for _, u in seen) == list(range(1, 31))
    for chat in ("chat0", "chat1", "chat2"):
        ids = [u for c, u in seen if c == chat]
        assert ids == sorted(ids)


async def test_outbox_sends_each_chat_in_order_and_erases_sent(
    engine: AsyncEngine, owner: int
) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    msgs = [
        NewMessage(chat, False, "sendMessage", body)
        for chat, body in (("a", b"1"), ("b", b"2"), ("a", b"3"))
    ]
    async with sessions() as s, s.begin():
        await outbox.add(s, msgs, NOW)
    async with sessions() as s, s.begin():
        due = await outbox.due(s, NOW, limit=10, owner=owner)
        assert [d.sealed for d in due] == [b"1", b"2"]
        assert await outbox.lease(s, due[0].id, NOW, timedelta(minutes=1), owner=owner)
        assert not await outbox.lease(s, due[0].id, NOW, timedelta(minutes=1), owner=owner)
        await outbox.mark_sent(s, due[0].id, NOW, owner=owner)
    async with sessions() as s, s.begin():
        due = await outbox.due(s, NOW, limit=10, owner=owner)
        assert [d.sealed for d in due] == [b"2", b"3"]
        assert await outbox.lease(s, due[0].id, NOW, timedelta(minutes=1), owner=owner)
        assert await outbox.retry_later(
            s, due[0].id, NOW + timedelta(seconds=5), "NetworkError", owner=owner
        )
        assert [d.sealed for d in await outbox.due(s, NOW, limit=10, owner=owner)] == [b"3"]
        sent = await s.scalar(select(OutboxMessage).where(OutboxMessage.status == "sent"))
        assert sent is not None and sent.payload is None and sent.sent_at is not None


async def test_tickets_get_unique_references(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    report = Report(
        submitted_at=NOW,
        locale="id",
        in_danger=True,
        indicators=("debt", "child"),
        story="<b>x</b> & y",
    )
    refs = iter(["TPPO-AAAAAA", "TPPO-AAAAAA", "TPPO-BBBBBB"])
    async with sessions() as s, s.begin():
        first = await tickets.create(
            s,
            report,
            new_reference=lambda: next(refs),
            now=NOW,
            ack_due_at=NOW + timedelta(minutes=5),
        )
        second = await tickets.create(
            s,
            report,
            new_reference=lambda: next(refs),
            now=NOW,
            ack_due_at=NOW + timedelta(minutes=5),
        )
    assert (first.reference, second.reference) == ("TPPO-AAAAAA", "TPPO-BBBBBB")
    async with sessions() as s:
        loaded = await tickets.get(s, "TPPO-BBBBBB")
    assert loaded is not None and loaded.report == report
    assert loaded.status is TicketStatus.NEW and loaded.urgent and loaded.child


async def test_the_janitor_forgets_only_old_finished_rows(
    engine: AsyncEngine, database_url: str, owner: int
) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await inbox.add(s, [_u(1, "a"), _u(2, "a")], NOW)
        await inbox.mark_done(s, 1, NOW)
        await outbox.add(
            s,
            [
                NewMessage("a", False, "sendMessage", b"x"),
                NewMessage("b", False, "sendMessage", b"y"),
            ],
            NOW,
        )
        first = (await outbox.due(s, NOW, limit=1, owner=owner))[0]
        assert await outbox.lease(s, first.id, NOW, timedelta(minutes=1), owner=owner)
        assert await outbox.mark_sent(s, first.id, NOW, owner=owner)
    db = Database(database_url)
    try:
        too_soon = Janitor(db, clock=ManualClock(NOW + timedelta(hours=1)))
        assert await too_soon.sweep() == (0, 0, 0)
        later = Janitor(db, clock=ManualClock(NOW + timedelta(days=8)))
        assert await later.sweep() == (1, 1, 0)
    finally:
        await db.dispose()
    async with sessions() as s:
        assert await inbox.pending_count(s) == 1 and await outbox.pending_count(s) == 1


async def test_the_write_gate_lets_urgent_writers_first_but_starves_no_one() -> None:
    gate = WriteGate(enabled=True, patience=0.05)
    order: list[str] = []

    async def write(name: str, urgent: bool, hold: float) -> None:
        async with gate.turn(urgent):
            order.append(name)
            await asyncio.sleep(hold)

    first = asyncio.create_task(write("first", False, 0.02))
    await asyncio.sleep(0)
    waiting = [
        asyncio.create_task(write("normal", False, 0.0)),
        asyncio.create_task(write("urgent", True, 0.0)),
    ]
    await asyncio.gather(first, *waiting)
    assert order == ["first", "urgent", "normal"]

    order.clear()
    hog = [asyncio.create_task(write(f"u{i}", True, 0.02)) for i in range(10)]
    patient = asyncio.create_task(write("normal", False, 0.0))
    await asyncio.gather(*hog, patient)
    assert order.index("normal") < 9  # it got in before the urgent queue ran dry


async def test_a_cancelled_writer_never_wedges_the_gate() -> None:
    gate = WriteGate(enabled=True)
    holder_in = asyncio.Event()

    async def hold() -> None:
        async with gate.turn():
            holder_in.set()
            await asyncio.sleep(0.05)

    holder = asyncio.create_task(hold())
    await holder_in.wait()
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter.cancel()
    holder.cancel()  # cancelled while holding the turn
    await asyncio.gather(holder, waiter, return_exceptions=True)
    async with asyncio.timeout(1):
        async with gate.turn(urgent=True):
            pass
