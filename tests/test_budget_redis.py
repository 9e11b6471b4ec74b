"""The shared send budget in Redis: the same limits, atomic across takers (real Redis)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.telegram.delivery.budget import RedisBudget

REDIS_SKIP = (
    "TEST_REDIS_URL is not set: start Redis and export TEST_REDIS_URL=redis://127.0.0.1:6379/5"
)


class Now:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


@pytest.fixture
async def client() -> AsyncIterator[tuple[Redis, str]]:
    """A Redis client and a fresh key prefix (only its own keys are touched)."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip(REDIS_SKIP)
    redis = Redis.from_url(url)
    prefix = f"lapor-test:{secrets.token_hex(4)}:"
    yield redis, prefix
    async for key in redis.scan_iter(f"{prefix}*"):
        await redis.delete(key)
    await redis.aclose()


async def test_a_private_chat_gets_three_then_waits(client: tuple[Redis, str]) -> None:
    redis, prefix = client
    now = Now()
    budget = RedisBudget(redis, prefix, now)
    taken = []
    for _ in range(3):
        taken.append(await budget.take("a", False))
        now.at += 0.04
    assert taken == [0.0, 0.0, 0.0]
    assert await budget.take("a", False) == pytest.approx(3.0 - 0.12)
    assert await budget.take("b", False) == 0.0  # another chat may go
    assert await budget.take("c", False) == pytest.approx(1 / 30)  # evenly spaced overall
    now.at = 1003.0
    assert await budget.take("a", False) == 0.0


async def test_a_group_gets_twenty_a_minute_and_a_pause_holds_it(client: tuple[Redis, str]) -> None:
    redis, prefix = client
    now = Now()
    budget = RedisBudget(redis, prefix, now)
    sent = 0
    for _ in range(120):
        if await budget.take("staff", True) == 0.0:
            sent += 1
        now.at += 0.5
    assert sent == 20
    now.at += 60
    await budget.pause("staff", 5.0)
    assert await budget.take("staff", True) == pytest.approx(5.0)


async def test_concurrent_takers_share_one_budget(client: tuple[Redis, str]) -> None:
    redis, prefix = client
    now = Now()
    budgets = [RedisBudget(redis, prefix, now) for _ in range(4)]  # four "processes"
    answers = await asyncio.gather(*(budgets[n % 4].take(f"chat{n}", False) for n in range(40)))
    assert sum(1 for a in answers if a == 0.0) == 1  # evenly spaced: one per 1/30 s
    granted: list[float] = []
    for n in range(200):  # attempts every 10 ms for 2 s, from four "processes"
        now.at += 0.01
        if await budgets[n % 4].take(f"chat{n}", False) == 0.0:
            granted.append(now.at)
    busiest = max(sum(1 for t in granted if start <= t < start + 1.0) for start in granted)
    assert busiest <= 25 and len(granted) >= 40
