"""PostgreSQL unreachable for a while: the webhook answers 503, Telegram delivers again, and
once the database is back everything catches up, each report filed once.

The app reaches PostgreSQL through a proxy on loopback that the test cuts (open connections
broken, new ones refused) and restores.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from storage.db import upgrade
from tests.conftest import CHAOS_SCALE, PG_SKIP, reset_postgres
from tests.e2e.harness import make_settings, outbox_settled, running_app
from tests.e2e.metricskit import scrape, value
from tests.e2e.staffkit import ORDINARY, send_reports
from tests.e2e.tcpproxy import proxy_to
from tests.e2e.test_durability import references, tickets
from tests.fakes import FakeBotApi

REPORTERS = 4


@pytest.fixture
async def pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(PG_SKIP)
    await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.mark.chaos
async def test_an_unreachable_database_gives_503_then_everything_catches_up(
    fake: FakeBotApi, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make_url(pg_url)
    refused: list[int] = []
    deliver = fake.deliver

    async def like_telegram(update: dict[str, Any]) -> int | None:
        """Deliver again until acknowledged, as Telegram does."""
        while True:
            status = await deliver(update)
            if status is None or status < 300:
                return status
            refused.append(status)
            await asyncio.sleep(0.3)

    monkeypatch.setattr(fake, "deliver", like_telegram)
    async with proxy_to(target.host or "127.0.0.1", target.port or 5432) as proxy:
        proxied = target.set(host="127.0.0.1", port=proxy.port)
        settings = make_settings(fake, proxied.render_as_string(hide_password=False))
        reporters = [fake.user(user_id=9700 + n, started=True) for n in range(REPORTERS)]
        async with running_app(settings, fake) as url:
            await proxy.cut()
            async with httpx.AsyncClient() as client:
                assert (await client.get(f"{url}/readyz")).status_code == 503
            status, down = await scrape(url)
            assert status == 200 and value(down, "lapor_database_up") == 0
            # The presses meet a dead database; the seeding goes straight to PostgreSQL.
            filing = asyncio.create_task(
                send_reports(
                    fake,
                    settings.model_copy(update={"DATABASE_URL": pg_url}),
                    reporters,
                    ORDINARY,
                    datetime.now(UTC),
                )
            )
            await fake.wait_for(lambda: len(refused) >= REPORTERS, 30, "503s")
            await asyncio.sleep(2.0 * CHAOS_SCALE)  # a while longer
            await proxy.restore()
            refs = await asyncio.wait_for(filing, 60)
            for _ in range(200):
                if await outbox_settled(pg_url) == (0, 0):
                    break
                await asyncio.sleep(0.1)
            status, samples = await scrape(url)
    assert set(refused) == {503}
    assert value(samples, "lapor_webhook_rejected_total", code="503") == len(refused)
    assert value(samples, "lapor_database_up") == 1
    assert sorted(await tickets(pg_url)) == sorted(refs) and len(set(refs)) == REPORTERS
    assert all(len(references(u)) == 1 for u in reporters)  # each confirmed once
    assert await outbox_settled(pg_url) == (0, 0)
