"""Start-up during a Telegram outage, and what /readyz says, through the real app."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.infra.clock import ManualClock
from tests.e2e.harness import START_REPLIES, make_settings, running_app
from tests.e2e.test_outage_e2e import execute
from tests.fakes import FakeBotApi


async def _ready(client: httpx.AsyncClient, url: str) -> tuple[int, dict[str, Any]]:
    response = await client.get(f"{url}/readyz")
    return response.status_code, response.json()


async def _until_ready(client: httpx.AsyncClient, url: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (answer := await _ready(client, url))[0] != 200:
        assert loop.time() < deadline, answer
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("webhook", [True, False])
@pytest.mark.chaos
async def test_the_bot_starts_while_telegram_is_down_and_connects_later(
    fake: FakeBotApi, sqlite_url: str, webhook: bool, caplog: pytest.LogCaptureFixture
) -> None:
    fake.outage(502)  # getMe, setMyCommands, setWebhook and deleteWebhook all fail
    caplog.set_level(logging.ERROR, logger="bot")
    settings = make_settings(fake, sqlite_url, webhook=webhook)
    async with running_app(settings, fake) as url, httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(f"{url}/healthz")).status_code == 200
        status, body = await _ready(client, url)
        assert status == 503 and any("Telegram" in p for p in body["problems"]), body
        await fake.wait_for(
            lambda: any("could not set up" in r.getMessage() for r in caplog.records),
            timeout=10,
            what="the ERROR",
        )
        fake.restore()
        await _until_ready(client, url)
        user = fake.user(user_id=5801)
        await user.send_text("/start")
        await user.wait_for_reply(count=START_REPLIES, timeout=15)
    step = "setWebhook" if webhook else "deleteWebhook"
    assert any(c.ok for c in fake.calls_for(step))
    assert any(step in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


REFUSE_WRITES = {
    "sqlite": [
        f"CREATE TRIGGER refuse_{table}_{op} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'read-only'); END"
        for table in ("inbox", "outbox", "send_budget")
        for op in ("INSERT", "UPDATE")
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'read-only'; END $$",
        *(
            f"CREATE TRIGGER refuse_{table} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION refuse()"
            for table in ("inbox", "outbox", "send_budget")
        ),
    ],
}
ALLOW_WRITES = {
    "sqlite": [
        f"DROP TRIGGER refuse_{table}_{op}"
        for table in ("inbox", "outbox", "send_budget")
        for op in ("INSERT", "UPDATE")
    ],
    "postgresql": ["DROP FUNCTION refuse() CASCADE"],
}


@pytest.mark.chaos
async def test_not_ready_while_the_database_refuses_writes(
    fake: FakeBotApi, database_url: str
) -> None:
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    async with (
        running_app(make_settings(fake, database_url), fake) as url,
        httpx.AsyncClient(timeout=10) as client,
    ):
        await _until_ready(client, url)
        await execute(database_url, REFUSE_WRITES[dialect])
        status, body = await _ready(client, url)
        assert status == 503 and "refuses writes" in body["problems"][0], body
        await execute(database_url, ALLOW_WRITES[dialect])
        await _until_ready(client, url)


@pytest.mark.chaos
async def test_not_ready_while_messages_wait_too_long(fake: FakeBotApi, sqlite_url: str) -> None:
    clock = ManualClock(datetime.now(UTC), monotonic=fake.clock)
    async with (
        running_app(make_settings(fake, sqlite_url), clock=clock) as url,
        httpx.AsyncClient(timeout=10) as client,
    ):
        await _until_ready(client, url)
        fake.fail_next("sendMessage", 502, times=10**6)
        user = fake.user(user_id=5802)
        await user.send_text("/start")
        await fake.wait_for(lambda: any(c.status == 502 for c in fake.calls), timeout=10)
        clock.advance(120)
        assert (await _ready(client, url))[0] == 200  # two minutes: still within the bound
        clock.advance(120)
        status, body = await _ready(client, url)
        assert status == 503 and "has waited 240 s" in " ".join(body["problems"]), body
        fake.restore()
        for _ in range(20):  # simulated seconds pass until the next probe finds Telegram back
            clock.advance(1)
            await asyncio.sleep(0.1)
        await user.wait_for_reply(count=START_REPLIES, timeout=15)
        await _until_ready(client, url)
