"""Two `lapor-tppo run` processes on one PostgreSQL database keep Telegram's limits together.

Each process used to count only its own sends, so together they sent up to twice Telegram's
limits. The fake Bot API counts every send it receives, from whichever process: in any second
at most 30, per private chat a burst of 3 then 1 a second, per group 20 a minute.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.effects.tickets import CARD_BUDGET
from bot.infra.crypto import new_data_key
from tests.conftest import PG_SKIP, reset_postgres
from tests.e2e.harness import STAFF_CHAT_ID, START_REPLIES, TOKEN
from tests.e2e.proc import BotProcess
from tests.fakes import FakeBotApi, FakeUser, run_fake_bot_api

WALK = (
    "1|dg|no",
    "1|ro|!skip",
    "1|in|!skip",
    "1|pk|!skip",
    "1|wh|!skip",
    "1|vc|!skip",
    "1|va|!skip",
    "1|st|!skip",
    "1|rv|send",
    "1|rv|anyway",  # everything was skipped: send it anyway
)


@pytest.fixture
async def pg_url() -> str:
    """The PostgreSQL test database, emptied (the processes migrate it themselves)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(PG_SKIP)
    await reset_postgres(url)
    return url


@pytest.fixture
async def quick_fake() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API on real time: no think time between actions, so none is forgiven."""
    async with run_fake_bot_api(TOKEN, think_time=0.0) as api:
        yield api


async def report_blindly(user: FakeUser) -> None:
    """File a report by pressing each button without waiting for the questions."""
    await user.send_text("/start")
    for data in WALK:
        await user.press_data(data)


def busiest_second(times: list[float]) -> int:
    """Most sends in any 1-second window."""
    times = sorted(times)
    return max(
        (sum(1 for t in times[n:] if t < start + 1.0) for n, start in enumerate(times)), default=0
    )


async def budget_settings(backend: str) -> dict[str, str]:
    """The settings that pick the shared budget's home (Redis emptied of this bot's keys)."""
    if backend == "postgresql":
        return {}
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    redis = Redis.from_url(url)
    async for key in redis.scan_iter(f"lapor:{TOKEN.split(':')[0]}:*"):
        await redis.delete(key)
    await redis.aclose()
    return {"REDIS_URL": url}


@pytest.mark.chaos
@pytest.mark.parametrize("backend", ["postgresql", "redis"])
async def test_two_processes_keep_telegrams_limits_together(
    quick_fake: FakeBotApi, pg_url: str, tmp_path: Path, backend: str
) -> None:
    fake = quick_fake
    key = new_data_key()
    extra = await budget_settings(backend)
    bots = [
        BotProcess(fake, tmp_path / f"bot{n}", database_url=pg_url, data_key=key, settings=extra)
        for n in range(2)
    ]
    try:
        for bot in bots:
            await bot.start(timeout=40)
        filers = [fake.user(user_id=6100 + n) for n in range(22)]
        newcomers = [fake.user(user_id=6200 + n) for n in range(100)]
        talkers = [fake.user(user_id=6400 + n) for n in range(8)]

        async def talk(user: FakeUser) -> None:
            for command in ("/start", "/bantuan", "/bantuan", "/bantuan", "/bantuan"):
                await user.send_text(command)

        await asyncio.gather(
            *(report_blindly(u) for u in filers),
            *(u.send_text("/start") for u in newcomers),
            *(talk(u) for u in talkers),
        )
        await fake.wait_for(
            lambda: (
                len(fake.messages_in(STAFF_CHAT_ID)) >= CARD_BUDGET
                and all(len(u.texts()) >= START_REPLIES for u in newcomers)
                and all(any("Reference" in t for t in u.texts()) for u in filers)
                and all(len(u.texts()) >= START_REPLIES + 4 for u in talkers)
            ),
            timeout=120,
            what="every reporter's replies and the group's cards",
        )
        await asyncio.sleep(2.0)  # nothing more may reach the group within its minute
    finally:
        for bot in bots:
            bot.kill()
    sends = [c for c in fake.calls if c.method == "sendMessage" and not c.injected]
    assert fake.violations == [], fake.violations[:5]
    assert busiest_second([c.time for c in sends]) <= 30
    per_chat: dict[int, list[float]] = defaultdict(list)
    for call in sends:
        per_chat[int(call.params["chat_id"])].append(call.time)
    # 22 tickets in a burst: cards up to the flood threshold, the rest wait for the digest.
    assert CARD_BUDGET <= len(per_chat[STAFF_CHAT_ID]) <= 20
