"""GET /metrics through the real app: counters where things happen, gauges from the database."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.http.app import SECRET_HEADER
from tests.e2e.harness import make_settings, running_app
from tests.e2e.metricskit import Samples, scrape, value
from tests.e2e.staffkit import (
    ORDINARY,
    SITI,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wita,
)
from tests.e2e.test_triage_commands_e2e import press
from tests.fakes import FakeBotApi

PENDING = ("lapor_outbox_messages", (("channel", "telegram"), ("status", "pending")))


async def settled(url: str, escalations: int = 0) -> Samples:
    """A scrape once `escalations` steps were taken and nothing waits to be sent."""
    for _ in range(200):
        status, samples = await scrape(url)
        assert status == 200
        if (
            samples.get(PENDING, 0) == 0
            and value(samples, "lapor_sla_escalations_total") >= escalations
        ):
            return samples
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox never drained")


async def test_metrics_count_updates_sends_tickets_and_the_time_to_acknowledge(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url)
    siti = staff_users(fake)[SITI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock) as url:
        reporters = [fake.user(user_id=7600 + n, started=True) for n in range(3)]
        refs = await send_reports(fake, settings, reporters, ORDINARY, clock.now())
        card = await wait_card(fake, refs[0])
        clock.advance(timedelta(minutes=4))  # acknowledged four minutes after filing
        assert "taken by Siti" in await press(fake, siti, f"t1|cl|{refs[0]}", card["message_id"])
        await wait_card(fake, refs[0], "Held by: Siti")
        clock.advance(timedelta(hours=2))  # the other two are now past their deadline
        async with httpx.AsyncClient() as client:  # a wrong secret: refused and counted
            refused = await client.post(
                f"{url}/telegram/webhook", json={"update_id": 1}, headers={SECRET_HEADER: "no"}
            )
        assert refused.status_code == 403
        samples = await settled(url, escalations=2)
    assert value(samples, "lapor_up") == 1
    assert value(samples, "lapor_database_up") == 1
    received = value(samples, "lapor_updates_received_total")
    assert received == 4  # three presses of Send, one of Siti's
    assert value(samples, "lapor_updates_processed_total") == received
    assert value(samples, "lapor_updates_parked_total") == 0
    assert value(samples, "lapor_webhook_rejected_total", code="403") == 1
    assert value(samples, "lapor_inbox_updates", status="done") == received
    assert value(samples, "lapor_tickets", status="new") == 2
    assert value(samples, "lapor_tickets", status="acknowledged") == 1
    assert value(samples, "lapor_tickets_overdue") == 2
    assert value(samples, "lapor_time_to_acknowledge_seconds_count") == 1
    assert value(samples, "lapor_time_to_acknowledge_seconds_sum") == pytest.approx(240, abs=0.01)
    assert value(samples, "lapor_time_to_acknowledge_seconds_bucket", le="60.0") == 0
    assert value(samples, "lapor_time_to_acknowledge_seconds_bucket", le="300.0") == 1
    assert value(samples, "lapor_time_to_acknowledge_seconds_bucket", le="+Inf") == 1
    sent = value(samples, "lapor_sends_total", channel="telegram", outcome="sent")
    assert sent == value(samples, "lapor_outbox_messages", channel="telegram", status="sent")
    assert value(samples, "lapor_telegram_throttled_total") == 0
    assert value(samples, "lapor_case_events", status="failed") == 0


async def test_a_scrape_while_the_database_is_locked_answers_with_database_up_0(
    fake: FakeBotApi, sqlite_url: str, tmp_path: Path
) -> None:
    async with running_app(make_settings(fake, sqlite_url)) as url:
        status, before = await scrape(url)
        assert status == 200 and value(before, "lapor_database_up") == 1
        # Another process holds SQLite's write lock (every transaction of ours needs it).
        # It waits for a write of the app's own (a timer, the janitor) to end, then holds on.
        locker = sqlite3.connect(tmp_path / "lapor.db", isolation_level=None, timeout=10)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            status, during = await scrape(url)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert status == 200
        assert value(during, "lapor_up") == 1
        assert value(during, "lapor_database_up") == 0
        assert not any(name == "lapor_tickets" for name, _ in during)  # absent, not zero
        assert ("lapor_updates_received_total", ()) in during  # the counters are still there
        for _ in range(50):  # the read stuck behind the lock ends first; then it is back
            status, after = await scrape(url)
            assert status == 200
            if value(after, "lapor_database_up") == 1:
                break
            await asyncio.sleep(0.1)
        assert value(after, "lapor_database_up") == 1


async def test_with_a_metrics_token_only_its_bearer_may_scrape(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url, METRICS_TOKEN="m3trics")) as url:
        assert (await scrape(url))[0] == 403
        assert (await scrape(url, authorization="Bearer wrong"))[0] == 403
        status, samples = await scrape(url, authorization="Bearer m3trics")
        assert status == 200 and value(samples, "lapor_database_up") == 1
