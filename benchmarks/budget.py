"""`python -m benchmarks --only budget`: what a turn from the shared send budget costs.

Every message takes its turn from the send budget right before its request. One process alone
(SQLite) counts in memory; several share the count in PostgreSQL or Redis. This measures the
time one turn takes (granted and refused) on each, from this process, sequentially, so the
figure is the latency a send gains. PostgreSQL and Redis come from BENCH_DATABASE_URL /
BENCH_REDIS_URL (or TEST_DATABASE_URL / TEST_REDIS_URL); the keys used are this run's own and
are removed afterwards, so a shared database is safe to use.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from sqlalchemy import delete

from benchmarks.scenarios import Config, Result
from benchmarks.stats import ms, percentile
from bot.telegram.delivery.budget import RedisBudget
from bot.telegram.delivery.budget.shared import GLOBAL_RULES, PRIVATE_RULES
from bot.telegram.delivery.ratelimit import TelegramLimits
from storage.db import Database, upgrade
from storage.models import SendBudget
from storage.repos.pipeline import budget as repo

Take = Callable[[str], Awaitable[float]]


class Clock:
    """Shared time that moves 1/28 s per granted turn, so that every turn is granted."""

    def __init__(self) -> None:
        self.at = time.time()

    def __call__(self) -> float:
        return self.at


async def _measure(take: Take, clock: Clock, turns: int) -> tuple[list[float], list[float]]:
    granted: list[float] = []
    refused: list[float] = []
    for n in range(turns):
        chat = f"bench{n % 50}"
        clock.at += 1 / 28 + 0.001
        started = time.perf_counter()
        wait = await take(chat)
        (granted if wait == 0 else refused).append(time.perf_counter() - started)
        started = time.perf_counter()
        await take(chat)  # the same instant again: refused by the overall spacing
        refused.append(time.perf_counter() - started)
    return granted, refused


def _row(label: str, granted: list[float], refused: list[float]) -> tuple[str, str]:
    return (
        f"{label}: one turn, granted / refused (p50, p99)",
        f"{ms(percentile(granted, 50))}, {ms(percentile(granted, 99))} / "
        f"{ms(percentile(refused, 50))}, {ms(percentile(refused, 99))}",
    )


async def budget_overhead(cfg: Config) -> Result:
    """Latency of one turn: in memory, in PostgreSQL, in Redis."""
    turns = cfg.budget_turns
    details: list[tuple[str, str]] = []
    worst = 0.0
    clock = Clock()
    limits = TelegramLimits()

    async def local(chat: str) -> float:
        wait = limits.wait(chat, False, clock.at)
        if wait <= 0:
            limits.record(chat, False, clock.at)
        return wait

    details.append(_row("in memory (SQLite, one process)", *await _measure(local, clock, turns)))
    prefix = f"bench-{secrets.token_hex(4)}"
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        await asyncio.to_thread(upgrade, url)
        db = Database(url)

        async def in_database(chat: str) -> float:
            # What DatabaseBudget.take does, under this run's own keys (a bot may share the
            # database: its "global" key is not ours to touch).
            keys = [(f"{prefix}:global", GLOBAL_RULES), (f"{prefix}:chat:{chat}", PRIVATE_RULES)]
            async with db.transaction() as session:
                return await repo.take(session, keys, clock())

        granted, refused = await _measure(in_database, clock, turns)
        details.append(_row("PostgreSQL (row locks)", granted, refused))
        worst = max(worst, percentile(granted, 99))
        async with db.transaction() as session:
            await session.execute(delete(SendBudget).where(SendBudget.key.like(f"{prefix}:%")))
        await db.dispose()
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL")
    if redis_url:
        client = Redis.from_url(redis_url)
        in_redis = RedisBudget(client, f"{prefix}:", clock)
        granted, refused = await _measure(lambda c: in_redis.take(c, False), clock, turns)
        details.append(_row("Redis (one Lua script)", granted, refused))
        worst = max(worst, percentile(granted, 99))
        async for key in client.scan_iter(f"{prefix}:*"):
            await client.delete(key)
        await client.aclose()
    shared_ran = len(details) > 1
    return Result(
        "Shared send budget, one turn",
        "shared turn p99 < 20 ms",
        f"p99 {ms(worst)}" if shared_ran else "no shared store configured",
        worst < 0.020 if shared_ran else True,
        details,
        [f"{turns} granted and {turns} refused turns per store, one at a time, on loopback"],
    )
