"""Scenario: our webhook route against a bare python-telegram-bot echo bot, in the same run.

Both servers get the same load (the same load generator, the same `/start` updates from users
who have started the bot, 40 connections) against a fresh fake Bot API with its flood limits on.
Measured for each: acknowledgements per second, and the server process's CPU seconds per 1,000
updates from the first request until every update is handled (our worker has processed its
inbox row; the echo's handler has returned from its `send_message`).
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass

import httpx

from benchmarks.scenarios import (
    WEBHOOK_CONNECTIONS,
    Config,
    Result,
    _loadgen,
    is_send,
    load_params,
)
from benchmarks.server import SERVER_ARGS, TOKEN, Server, run_server
from benchmarks.stats import ms, percentile
from tests.fakes import run_fake_bot_api

ECHO_ARGS = ("-m", "benchmarks.echo")
RATIO_TARGET = 0.9
FIRST_USER, FIRST_UPDATE = 720_000_001, 920_000_001


@dataclass
class Side:
    """What one server did under the load."""

    label: str
    rate: float
    sent: int
    ok: int
    latencies: list[float]
    cpu: float  # seconds, first request until every update was handled
    handled: int
    total: int
    idle_after: float
    messages: int
    refused: int


async def _handled(server: Server, echo: bool, client: httpx.AsyncClient) -> int:
    if echo:
        return int((await client.get(f"{server.url}/stats")).json()["handled"])
    rows = server.query("SELECT count(*) FROM inbox WHERE status != 'pending'")
    return int(str(rows[0][0]))


async def _side(cfg: Config, label: str, args: tuple[str, ...]) -> Side:
    total = cfg.echo_warmup + cfg.echo_count
    echo = args != SERVER_ARGS
    async with run_fake_bot_api(TOKEN, think_time=0.0) as fake:
        for i in range(total):
            uid = FIRST_USER + i
            fake.user(uid, first_name=f"Pelapor{uid % 1000}", started=True)
        async with (
            run_server(fake, db_dir=cfg.db_dir, args=args) as server,
            httpx.AsyncClient(timeout=5.0, trust_env=False) as client,
        ):
            params = load_params(
                server.port,
                cfg.echo_count,
                FIRST_UPDATE,
                FIRST_USER,
                cfg.ack_time_limit,
                warmup=cfg.echo_warmup,
            )
            clock: dict[str, float] = {}

            def go() -> None:
                clock["cpu"], clock["wall"] = server.cpu(), time.monotonic()

            result = await _loadgen(params, cfg.ack_time_limit + 30, on_go=go)
            acked = result["warmup"]["statuses"].get("200", 0)
            acked += result["measured"]["statuses"].get("200", 0)
            deadline = time.monotonic() + cfg.echo_idle_limit
            handled = await _handled(server, echo, client)
            while handled < acked and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                handled = await _handled(server, echo, client)
            cpu = server.cpu() - clock["cpu"]
            idle_after = time.monotonic() - clock["wall"]
            messages = sum(1 for c in fake.calls if c.ok and is_send(c.method))
            refused = len(fake.violations)
    measured = result["measured"]
    ok = measured["statuses"].get("200", 0)
    rate = ok / measured["elapsed"] if measured["elapsed"] else 0.0
    return Side(
        label,
        rate,
        measured["sent"],
        ok,
        measured["latencies"],
        cpu,
        handled,
        acked,
        idle_after,
        messages,
        refused,
    )


def _per_thousand(side: Side) -> float:
    return 1000 * side.cpu / side.handled if side.handled else float("nan")


async def echo_ratio(cfg: Config) -> Result:
    """Acks/s and CPU per 1,000 updates: lapor-tppo run, then the bare PTB echo bot."""
    ours = await _side(cfg, "lapor-tppo", SERVER_ARGS)
    echo = await _side(cfg, "PTB echo", ECHO_ARGS)
    ratio = ours.rate / echo.rate if echo.rate else 0.0
    cpu_ratio = _per_thousand(ours) / _per_thousand(echo) if echo.handled else float("nan")
    complete = all(s.ok == s.sent == cfg.echo_count and s.handled == s.total for s in (ours, echo))
    details: list[tuple[str, str]] = [
        (
            "load",
            f"{cfg.echo_warmup} warm-up + {cfg.echo_count} measured `/start` updates, "
            f"{WEBHOOK_CONNECTIONS} connections, each server alone on the machine's cores",
        )
    ]
    for s in (ours, echo):
        details += [
            (f"{s.label}: acks/s", f"{s.rate:.0f} ({s.ok} of {s.sent} with 200)"),
            (
                f"{s.label}: ack p50 / p99",
                f"{ms(percentile(s.latencies, 50))} / {ms(percentile(s.latencies, 99))}",
            ),
            (
                f"{s.label}: CPU per 1,000 updates",
                f"{_per_thousand(s):.2f} s ({s.cpu:.1f} s for {s.handled} of {s.total} handled, "
                f"idle {s.idle_after:.1f} s after the first request)",
            ),
            (
                f"{s.label}: messages",
                f"{s.messages} accepted by the fake, {s.refused} refused with 429 by then",
            ),
        ]
    details += [
        ("ack ratio (lapor-tppo / echo)", f"{ratio:.2f}"),
        ("CPU per update ratio (lapor-tppo / echo)", f"{cpu_ratio:.2f}"),
    ]
    notes = [
        "'handled' is our worker having processed the update (its reply is in the outbox, "
        "sent at Telegram's 30 msg/s later, CPU not counted past that point) and the echo's "
        "handler having returned from send_message (most of which the fake refuses with 429, "
        "as Telegram would: the echo has no rate limiter and no retry)",
        f"python {sys.version.split()[0]}; the echo is benchmarks/echo.py "
        "(FastAPI + uvicorn + PTB Application.update_queue, concurrent updates, no database)",
    ]
    return Result(
        "Ack rate against a bare PTB echo bot",
        f">= {RATIO_TARGET} x the echo's acks/s",
        f"{ratio:.2f} x ({ours.rate:.0f} vs {echo.rate:.0f} acks/s); "
        f"CPU/1k updates {_per_thousand(ours):.2f} s vs {_per_thousand(echo):.2f} s",
        complete and ratio >= RATIO_TARGET,
        details,
        notes,
    )
