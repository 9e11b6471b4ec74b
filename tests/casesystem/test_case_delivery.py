"""Outbound case events against a fake case system, in simulated time: retries with a stable
webhook-id, the schedule and its jitter, 429, 410, giving up, per-ticket order, a day down."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.casesystem.dispatcher import SCHEDULE, retry_after, retry_delay
from bot.casesystem.sync import TO_REPORTER, CaseEvents
from bot.infra.clock import Clock, ManualClock
from bot.infra.crypto import new_standard_webhook_secret
from flows.domain.ticket import TicketStatus
from storage.db import Database
from storage.owner import Owner
from storage.repos.case import events, links
from storage.repos.triage import tickets
from tests.casesystem.casekit import (
    KEYS,
    START,
    dispatcher,
    group_texts,
    new_ticket,
    report,
    settle,
)
from tests.fakes.casesystem import HANG, RESET, run_fake_case_system

CASE = CaseEvents(KEYS, enabled=True)


@pytest.fixture
async def db(database_url: str):
    database = Database(database_url, sealer=KEYS)
    assert await database.owner.hold()
    yield database
    await database.dispose()


async def _change(db: Database, reference: str, at, status: TicketStatus) -> None:
    """Change a ticket's status (as staff would) and queue its event, in one transaction."""
    async with db.transaction() as s:
        ticket = await tickets.get(s, reference)
        assert ticket is not None
        closing = status is TicketStatus.CLOSED
        await tickets.save_triage(
            s,
            replace(
                ticket,
                status=status,
                acknowledged_at=ticket.acknowledged_at or at,
                closed_at=at if closing else None,
                closed_reason="resolved" if closing else None,
            ),
        )
        await CASE.touched(s, [reference], at)


async def _info(db: Database):
    async with db.transaction() as s:
        return await events.listing(s)


def test_the_schedule_has_ten_percent_jitter_and_ends() -> None:
    assert retry_delay(1, lambda: 0.0) == timedelta(seconds=4.5)
    assert retry_delay(1, lambda: 1.0) == timedelta(seconds=5.5)
    assert retry_delay(7, lambda: 0.5) == timedelta(hours=10)
    assert retry_delay(8, lambda: 0.5) is None
    assert [retry_delay(n, lambda: 0.5) for n in range(1, 8)] == list(SCHEDULE)
    assert retry_after("120", START) == timedelta(seconds=120)
    assert retry_after("Mon, 05 Jan 2026 01:02:00 GMT", START) == timedelta(minutes=2)
    assert retry_after("soon", START) is None


async def test_retries_keep_one_webhook_id_through_500s_timeouts_and_resets(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        fake.script = [500, HANG, RESET, 503, 200]
        ticket = await new_ticket(db, CASE, clock.now())
        sender = dispatcher(db, fake, clock, timeout=1.5)
        try:
            assert await sender.deliver_due() == 1  # 500
            clock.advance(4.9)
            assert await sender.deliver_due() == 0  # not due before 5 s
            for wait in (0.1, 300, 1800, 7200):  # hang (timeout), reset, 503, then 200
                clock.advance(wait)
                assert await sender.deliver_due() == 1
        finally:
            await sender.close()
        assert [r.answer for r in fake.received] == [500, HANG, RESET, 503, 200]
        assert len({r.webhook_id for r in fake.received}) == 1
        assert fake.problems == []
        assert fake.accepted[0].type == "ticket.created"
        assert fake.accepted[0].reference == ticket.reference
        (info,) = await _info(db)
        assert (info.status, info.attempts, info.has_body) == ("sent", 5, False)
        async with db.transaction() as s:
            assert (await links.get(s, ticket.reference)).confirmed_at == clock.now()


async def test_after_the_last_retry_the_event_fails_and_the_group_is_told(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        fake.default = 502
        ticket = await new_ticket(db, CASE, clock.now())
        sender = dispatcher(db, fake, clock)
        try:
            assert await sender.deliver_due() == 1
            for wait in SCHEDULE:
                clock.advance(wait)
                assert await sender.deliver_due() == 1
            clock.advance(timedelta(days=2))
            assert await sender.deliver_due() == 0
            # A later change waits behind the failed `created`: never sent before it.
            await _change(db, ticket.reference, clock.now(), TicketStatus.ACKNOWLEDGED)
            assert await sender.deliver_due() == 0
            texts = await group_texts(db)
            assert len(texts) == 1
            assert f"ticket.created of {ticket.reference} after 8 tries" in texts[0]
            assert "HTTP 502" in texts[0]
            fake.default = 200
            async with db.transaction() as s:  # `lapor-tppo outbox retry`
                assert await events.retry(s, clock.now()) == 1
            assert await sender.deliver_due() == 1
            assert await sender.deliver_due() == 1
        finally:
            await sender.close()
        assert [r.type for r in fake.accepted] == ["ticket.created", "ticket.updated"]
        assert fake.accepted[1].body["data"]["changed"] == ["acknowledged_at", "status"]
        assert len(fake.received) == 10 and fake.problems == []


async def test_a_4xx_other_than_429_and_410_fails_at_once(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        fake.default = 400
        await new_ticket(db, CASE, clock.now())
        sender = dispatcher(db, fake, clock)
        try:
            assert await sender.deliver_due() == 1
        finally:
            await sender.close()
        (info,) = await _info(db)
        assert (info.status, info.last_code) == ("failed", 400)


async def test_429_waits_as_long_as_retry_after_says(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        fake.script = [(429, {"Retry-After": "120"})]
        await new_ticket(db, CASE, clock.now())
        sender = dispatcher(db, fake, clock)
        try:
            assert await sender.deliver_due() == 1
            clock.advance(119)
            assert await sender.deliver_due() == 0
            clock.advance(1)
            assert await sender.deliver_due() == 1
        finally:
            await sender.close()
        assert [r.answer for r in fake.received] == [(429, {"Retry-After": "120"}), 200]


async def test_410_disables_the_endpoint_until_an_operator_enables_it(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        fake.script = [410]
        await new_ticket(db, CASE, clock.now())
        await new_ticket(db, CASE, clock.now(), n=1)
        sender = dispatcher(db, fake, clock)
        try:
            assert await sender.deliver_due() == 2  # both tried in one batch: one told
            clock.advance(timedelta(days=1))
            assert await sender.deliver_due() == 0
            assert len(fake.received) == 2
            texts = await group_texts(db)
            assert len(texts) == 1 and "410" in texts[0]
            async with db.transaction() as s:  # `lapor-tppo outbox retry`
                assert await links.disabled(s) is not None
                assert await links.enable(s)
                await events.due_now(s, clock.now())
            assert await sender.deliver_due() == 1  # the one the 410 answered waited
        finally:
            await sender.close()
        assert [r.answer for r in fake.received] == [410, 200, 200]
        assert all(i.status == "sent" for i in await _info(db))


@pytest.mark.chaos
async def test_down_for_a_day_then_everything_arrives_signed_and_in_order(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        fake.default = RESET
        ticket = await new_ticket(db, CASE, clock.now())
        sender = dispatcher(db, fake, clock)
        stop = asyncio.Event()
        loop = asyncio.create_task(sender.run(stop))
        try:
            await _change(db, ticket.reference, clock.now(), TicketStatus.ACKNOWLEDGED)
            await _change(db, ticket.reference, clock.now(), TicketStatus.CLOSED)
            for _ in range(48):  # a day, in half hours
                await settle(db)
                clock.advance(timedelta(minutes=30))
                await asyncio.sleep(0.05)
            await settle(db)
            assert fake.accepted == []
            tried = len(fake.received)
            assert 6 <= tried <= 7  # created only: the updates wait behind it
            fake.default = 200
            for _ in range(40):
                if len(fake.accepted) == 3:
                    break
                await settle(db)
                clock.advance(timedelta(minutes=30))
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            sender.wake()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(loop, 5)
        assert [r.type for r in fake.accepted] == [
            "ticket.created",
            "ticket.updated",
            "ticket.closed",
        ]
        assert {r.type for r in fake.received[:tried]} == {"ticket.created"}
        assert len({r.webhook_id for r in fake.received[: tried + 1]}) == 1
        assert len({r.webhook_id for r in fake.accepted}) == 3
        assert fake.problems == []
        assert fake.accepted[2].body["data"]["status"] == "closed"


async def test_two_dispatchers_on_postgresql_send_each_event_once(postgres_url: str) -> None:
    clock = ManualClock(START)
    first, second = Database(postgres_url, sealer=KEYS), Database(postgres_url, sealer=KEYS)
    owners = [Owner(first.engine, postgres=True), Owner(second.engine, postgres=True)]
    for owner in owners:
        assert await owner.hold()
    async with run_fake_case_system(clock.now) as fake:
        fake.delay = 0.02
        refs = [(await new_ticket(first, CASE, clock.now(), n)).reference for n in range(10)]
        for ref in refs:
            await _change(first, ref, clock.now(), TicketStatus.ACKNOWLEDGED)
            await _change(first, ref, clock.now(), TicketStatus.CLOSED)
        senders = [
            dispatcher(first, fake, clock, owners[0]),
            dispatcher(second, fake, clock, owners[1]),
        ]
        stop = asyncio.Event()
        loops = [asyncio.create_task(s.run(stop)) for s in senders]
        try:
            for _ in range(200):
                if len(fake.accepted) >= 30:
                    break
                await asyncio.sleep(0.05)
        finally:
            stop.set()
            for s in senders:
                s.wake()
            await asyncio.wait(loops, timeout=5)
            for owner in owners:
                await owner.release()
            await first.dispose()
            await second.dispose()
    assert len(fake.received) == 30  # each event sent once, none twice
    assert len({r.webhook_id for r in fake.received}) == 30
    for ref in refs:
        types = [r.type for r in fake.accepted if r.reference == ref]
        assert types == ["ticket.created", "ticket.updated", "ticket.closed"]
    assert fake.problems == []


async def test_a_reporter_message_follows_its_ticket_and_matches_the_schema(db) -> None:
    clock = ManualClock(START)
    async with run_fake_case_system(clock.now) as fake:
        async with db.transaction() as s:  # as the follow-up relay will call it
            ticket = await tickets.create(
                s,
                report(clock.now()),
                new_reference=lambda: "TPPO-00000M",
                now=clock.now(),
                ack_due_at=clock.now(),
            )
            queued = await CASE.reporter_message(
                s, ticket.reference, TO_REPORTER, "Kami sudah menerima laporan Anda.", clock.now()
            )
            assert queued is not None
            assert (
                await CASE.reporter_message(s, "TPPO-ZZZZZZ", TO_REPORTER, "x", clock.now()) is None
            )
        sender = dispatcher(db, fake, clock)
        try:
            assert await sender.deliver_due() == 1  # created first, alone
            assert await sender.deliver_due() == 1
        finally:
            await sender.close()
    assert [r.type for r in fake.accepted] == ["ticket.created", "ticket.reporter_message"]
    assert fake.accepted[1].webhook_id == queued
    assert fake.accepted[1].body["data"] == {
        "reference": "TPPO-00000M",
        "direction": "to_reporter",
        "text": "Kami sudah menerima laporan Anda.",
        "at": "2026-01-05T01:00:00Z",
    }
    assert fake.problems == []


async def test_the_reference_library_verifies_what_is_sent_in_real_time(db) -> None:
    clock = Clock()  # real time: the fake runs the library's own `verify`, timestamp included
    async with run_fake_case_system() as fake:
        await new_ticket(db, CASE, clock.now())
        await new_ticket(db, CASE, clock.now(), n=1)
        right = dispatcher(db, fake, clock)
        wrong = dispatcher(db, fake, clock, secret=new_standard_webhook_secret())
        try:
            assert await wrong.deliver_due(limit=1) == 1
            assert await right.deliver_due() == 1
        finally:
            await right.close()
            await wrong.close()
    assert fake.problems == ["unverifiable request: WebhookVerificationError"]
    assert [r.answer for r in fake.received] == [401, 200]
    info = {i.ticket_ref: i for i in await _info(db)}
    assert info["TPPO-000000"].status == "failed"  # 401 will not get better by repeating
    assert info["TPPO-000001"].status == "sent"
