"""Scenario: the server's memory with 10,000 reports in progress (drafts).

10,000 new reporters each send `/start` (from the load generator, 40 connections); the scenario
waits until the worker has started a report for every one of them (a row in `conversations`,
its welcome queued or sent), then reads the server's resident memory from /proc.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.scenarios import (
    WEBHOOK_CONNECTIONS,
    Config,
    Result,
    _cpu_note,
    _loadgen,
    load_params,
)
from benchmarks.server import TOKEN, Server, run_server
from tests.fakes import run_fake_bot_api

MEMORY_TARGET = 150.0  # MiB resident
FIRST_USER, FIRST_UPDATE = 730_000_001, 930_000_001


def _count(server: Server, sql: str) -> int:
    return int(str(server.query(sql)[0][0]))


async def drafts_memory(cfg: Config) -> Result:
    """RSS once `cfg.drafts` reports are in progress at once."""
    n = cfg.drafts
    async with run_fake_bot_api(TOKEN, think_time=0.0) as fake:
        for i in range(n):
            uid = FIRST_USER + i
            fake.user(uid, first_name=f"Pelapor{uid % 1000}", started=True)
        async with run_server(fake, db_dir=cfg.db_dir) as server:
            idle_rss, _ = server.memory()
            params = load_params(server.port, n, FIRST_UPDATE, FIRST_USER, cfg.ack_time_limit)
            cpu0, wall0 = server.cpu(), time.monotonic()
            result = await _loadgen(params, cfg.ack_time_limit + 30)
            acked = result["measured"]["statuses"].get("200", 0)
            deadline = time.monotonic() + cfg.drafts_limit
            drafts = _count(server, "SELECT count(*) FROM conversations")
            while drafts < acked and time.monotonic() < deadline:
                await asyncio.sleep(2.0)
                drafts = _count(server, "SELECT count(*) FROM conversations")
            waited = time.monotonic() - wall0
            rss, peak = server.memory()
            cpu = server.cpu() - cpu0
            tickets = _count(server, "SELECT count(*) FROM tickets")
            outbox = _count(server, "SELECT count(*) FROM outbox WHERE status = 'pending'")
            server_notes = server.log_summary()
    reached = drafts >= n and acked == n
    passed = reached and peak < MEMORY_TARGET
    details = [
        ("reporters", f"{n} new, one `/start` each over {WEBHOOK_CONNECTIONS} connections"),
        ("acknowledged", f"{acked} of {n} with 200"),
        (
            "reports in progress",
            f"{drafts} after {waited:.0f} s" + ("" if drafts >= n else " (the time limit)"),
        ),
        ("resident memory then / peak", f"{rss:.0f} MiB / {peak:.0f} MiB"),
        ("resident memory before the load", f"{idle_rss:.0f} MiB"),
        ("replies still queued in the outbox then", str(outbox)),
        ("tickets filed", str(tickets)),
    ]
    notes = [_cpu_note("the server", cpu, waited), *server_notes]
    return Result(
        f"Memory with {n} reports in progress",
        f"peak < {MEMORY_TARGET:.0f} MiB",
        f"{peak:.0f} MiB peak, {rss:.0f} MiB with {drafts} drafts",
        passed,
        details,
        notes,
    )
