"""Scenario: one, two and four `lapor-tppo run` processes on one PostgreSQL database.

Each step gets a fresh database `<name>_scale` beside the one in BENCH_DATABASE_URL (or
TEST_DATABASE_URL; that one is never touched), a fresh fake Bot API, and K servers with the same
token (so they share the send budget kept in the database), each on its own port. K load
generators, one per server, send their share of the `/start` updates from distinct new users.
Measured: updates fully handled per second (the fake has received the reply), the servers' CPU
seconds per 1,000 updates against the bare PTB echo bot's (benchmarks/compare.py), and the
checks: exactly one reply per update, and no call the fake refused for Telegram's limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import replace
from typing import Any

import asyncpg

from benchmarks.compare import ECHO_ARGS, _per_thousand, _side
from benchmarks.scenarios import (
    TELEGRAM_RATE,
    WEBHOOK_CONNECTIONS,
    Config,
    Result,
    _loadgen,
    is_send,
    load_params,
)
from benchmarks.server import TOKEN, Server, run_server
from bot.infra.crypto import new_data_key
from tests.fakes import run_fake_bot_api

CPU_TARGET = 1.5  # x the echo's CPU seconds per 1,000 updates


def _database_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


async def _fresh_database(url: str) -> str:
    """Drop and create `<name>_scale` on the same server; its SQLAlchemy URL."""
    base, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    scale = f"{name}_scale"
    conn = await asyncpg.connect(f"{base.replace('+asyncpg', '')}/{name}")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{scale}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{scale}"')
    finally:
        await conn.close()
    return f"{base}/{scale}"


async def _step(cfg: Config, url: str, k: int) -> dict[str, Any]:
    n = cfg.scale_updates - cfg.scale_updates % k
    first_user, first_update = 740_000_001 + k * 100_000, 940_000_001 + k * 100_000
    database, key = await _fresh_database(url), new_data_key()  # one key: one deployment
    async with run_fake_bot_api(TOKEN, think_time=0.0) as fake:
        users = [first_user + i for i in range(n)]
        for uid in users:
            fake.user(uid, first_name=f"Pelapor{uid % 1000}", started=True)
        async with contextlib.AsyncExitStack() as stack:
            servers: list[Server] = []
            for _ in range(k):  # one after another: the first runs the migrations alone
                servers.append(
                    await stack.enter_async_context(
                        run_server(fake, db_dir=cfg.db_dir, database_url=database, data_key=key)
                    )
                )
            share = n // k
            limit = 3 * n / TELEGRAM_RATE + 60
            loads = [
                load_params(
                    s.port,
                    share,
                    first_update + j * share,
                    first_user + j * share,
                    limit,
                    concurrency=max(1, WEBHOOK_CONNECTIONS // k),
                )
                for j, s in enumerate(servers)
            ]
            cpu0 = sum(s.cpu() for s in servers)
            start = fake.clock()
            results = await asyncio.gather(*(_loadgen(p, limit + 30) for p in loads))
            wanted = set(users)

            def everyone() -> bool:
                chats = fake.store.chats
                return all(uid in chats and chats[uid].bot_log for uid in wanted)

            with contextlib.suppress(AssertionError):  # a time-out shows as missing replies
                await fake.wait_for(everyone, max(1.0, limit - (fake.clock() - start)), "replies")
            wall = fake.clock() - start
            cpu = sum(s.cpu() for s in servers) - cpu0
            await asyncio.sleep(1.0)  # a duplicate would come right after
            replies: dict[int, list[float]] = {}
            for call in fake.calls:
                if call.ok and is_send(call.method) and call.time >= start:
                    chat = call.params.get("chat_id")
                    with contextlib.suppress(TypeError, ValueError):
                        replies.setdefault(int(chat), []).append(call.time)  # type: ignore[arg-type]
            violations = len(fake.violations)
            logs = [line for s in servers for line in s.log_summary()]
    last = max((t[0] for u, t in replies.items() if u in wanted), default=start)
    replied = sum(1 for u in wanted if u in replies)
    acked = sum(r["measured"]["statuses"].get("200", 0) for r in results)
    return {
        "k": k,
        "n": n,
        "acked": acked,
        "replied": replied,
        "duplicates": sum(1 for u in wanted if len(replies.get(u, [])) > 1),
        "rate": replied / (last - start) if last > start else 0.0,
        "cpu_per_1k": 1000 * cpu / n,
        "wall": wall,
        "violations": violations,
        "logs": logs,
    }


async def scale_out(cfg: Config) -> Result:
    """Throughput and CPU cost with 1, 2 and 4 servers on one PostgreSQL database."""
    url = _database_url()
    cores = len(os.sched_getaffinity(0))
    if url is None:
        return Result(
            "Scale-out on PostgreSQL",
            f"CPU/1k updates <= {CPU_TARGET} x echo",
            "not run: set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL URL",
            False,
        )
    steps = [await _step(cfg, url, k) for k in cfg.scale_steps]
    echo_cfg = replace(cfg, echo_count=cfg.scale_updates, echo_warmup=0)
    echo = _per_thousand(await _side(echo_cfg, "PTB echo", ECHO_ARGS))
    worst = max(s["cpu_per_1k"] for s in steps)
    correct = all(
        s["acked"] == s["n"] == s["replied"] and not s["duplicates"] and not s["violations"]
        for s in steps
    )
    details: list[tuple[str, str]] = [
        ("cores", str(cores)),
        ("database", "PostgreSQL, a fresh database per step, the send budget in it"),
        ("bare PTB echo, CPU per 1,000 updates", f"{echo:.2f} s ({cfg.scale_updates} updates)"),
    ]
    for s in steps:
        details.append(
            (
                f"{s['k']} server(s)",
                f"{s['rate']:.1f} updates/s fully handled; CPU {s['cpu_per_1k']:.2f} s per 1,000 "
                f"({s['cpu_per_1k'] / echo:.2f} x echo); {s['replied']} of {s['n']} replied, "
                f"{s['acked']} acked, {s['duplicates']} duplicate replies, "
                f"{s['violations']} refused for Telegram's limits; {s['wall']:.0f} s",
            )
        )
    base = steps[0]["rate"] or float("nan")
    details.append(
        (
            f"throughput ratio {' : '.join(map(str, cfg.scale_steps))} servers",
            " : ".join(f"{s['rate'] / base:.2f}" for s in steps),
        )
    )
    rates = " / ".join(f"{s['rate']:.1f}" for s in steps)
    notes = [
        f"fully handled throughput is capped by Telegram's {TELEGRAM_RATE} messages/s for one "
        f"bot (one reply per update, the budget shared through the database), so more servers "
        f"cannot raise it past {TELEGRAM_RATE}/s; with {cores} cores, 2 and 4 servers also share "
        "them with PostgreSQL, the fake Bot API and the load generators",
        "CPU per 1,000 updates counts every server process from the first request until the "
        "last reply, waits for the shared budget and each idle server's polling included",
        "per-chat order is not checked here: each reporter sends one update",
        *sorted(set(line for s in steps for line in s["logs"])),
    ]
    return Result(
        "Scale-out on PostgreSQL",
        f"CPU/1k updates <= {CPU_TARGET} x echo; one reply each; no 429",
        f"{rates} updates/s with {'/'.join(map(str, cfg.scale_steps))} servers; "
        f"worst CPU/1k {worst:.2f} s = {worst / echo:.2f} x echo",
        correct and worst <= CPU_TARGET * echo,
        details,
        notes,
    )
