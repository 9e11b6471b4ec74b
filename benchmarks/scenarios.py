"""The three scenarios: webhook acks/s, first-reply latency at light load, a burst of reporters.

Each one starts a fresh fake Bot API and a fresh server with an empty SQLite database. Times are
read from the fake's clock (real monotonic time; `think_time=0` so simulated users do not move
it), the same clock that stamps every Bot API call the fake records.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.server import ROOT, TOKEN, WEBHOOK_SECRET, Server, run_server
from benchmarks.stats import busiest_window, loop_lag, ms, percentile
from tests.fakes import FakeBotApi, run_fake_bot_api
from tests.fakes.users import FakeUser

TELEGRAM_RATE = 30  # messages per second overall, Telegram's limit for a bot
WEBHOOK_CONNECTIONS = 40  # Telegram's default max_connections, and what the bot registers


def load_params(
    port: int,
    count: int,
    first_update: int,
    first_user: int,
    time_limit: float,
    *,
    warmup: int = 0,
    concurrency: int = WEBHOOK_CONNECTIONS,
    request_timeout: float = 30.0,
) -> dict[str, Any]:
    """What benchmarks/loadgen.py is told: `warmup` + `count` distinct `/start` updates from
    consecutive ids, to the server on `port` over `concurrency` connections."""
    return {
        "port": port,
        "secret": WEBHOOK_SECRET,
        "warmup": warmup,
        "count": count,
        "first_update_id": first_update,
        "first_user_id": first_user,
        "concurrency": concurrency,
        "time_limit": time_limit,
        "request_timeout": request_timeout,
    }


def burst_params(
    server: Server, n: int, first_update: int, first_user: int, limit: float
) -> dict[str, Any]:
    """Load-generator parameters for `n` new reporters' /start at once, no warm-up."""
    return load_params(server.port, n, first_update, first_user, limit, request_timeout=60.0)


# The burst drains within this multiple of Telegram's floor (a welcome is one message).
BURST_TARGET = 1.1
_SENDS = {
    "sendmessage",
    "sendphoto",
    "senddocument",
    "sendvoice",
    "sendvideo",
    "sendaudio",
    "sendanimation",
    "sendsticker",
    "sendlocation",
    "sendvenue",
    "sendcontact",
    "sendpoll",
    "senddice",
    "sendmediagroup",
    "copymessage",
    "copymessages",
    "forwardmessage",
    "forwardmessages",
}


@dataclass
class Config:
    """Sizes of one run (the full run by default, `quick()` for a smoke run)."""

    ack_count: int = 10_000
    ack_warmup: int = 500
    ack_time_limit: float = 60.0  # warm-up and measurement; stops short of ack_count if hit
    latency_rate: float = 5.0
    latency_seconds: float = 20.0
    burst_reporters: int = 1_000
    budget_turns: int = 1_000
    triage_reports: int = 30  # tickets filed before the measured minute
    triage_actions: int = 100  # staff actions, evenly spread over `triage_seconds`
    triage_seconds: float = 60.0
    echo_count: int = 3_000  # per server, after echo_warmup
    echo_warmup: int = 300
    echo_idle_limit: float = 240.0  # seconds for the slower server to handle what it acked
    drafts: int = 10_000  # reports in progress for the memory figure
    drafts_limit: float = 600.0  # seconds for the worker to start them all
    scale_updates: int = 600  # updates per scale-out step
    scale_steps: tuple[int, ...] = (1, 2, 4)  # servers per step
    e2e_reporters: int = 1_000
    e2e_rate: float = 50.0  # updates/s the reporters' start times aim at
    e2e_think: float = 2.0  # seconds a reporter takes between a reply and the next press
    e2e_card_grace: float = 120.0  # seconds after the last report for the cards to arrive
    db_dir: Path | None = None
    probe: str = ""  # "timings" or "timings,no-worker": run benchmarks.probe (diagnostics only)

    @classmethod
    def quick(cls) -> Config:
        """Small counts: the whole run, scale-out on PostgreSQL included, in under 2 minutes.

        The worker handles every acknowledged update before the ack figure is written (it
        reports the memory then), so ack_count costs about 20 ms of CPU each.
        """
        return cls(
            ack_count=400,
            ack_warmup=50,
            latency_seconds=4.0,
            burst_reporters=60,
            budget_turns=100,
            triage_reports=6,
            triage_actions=12,
            triage_seconds=8.0,
            echo_count=100,
            echo_warmup=10,
            echo_idle_limit=60.0,
            drafts=200,
            drafts_limit=60.0,
            scale_updates=20,
            scale_steps=(1, 2),
            e2e_reporters=5,
            e2e_think=0.2,
            e2e_card_grace=2.0,
        )


@dataclass
class Result:
    """One scenario's headline figure against its target, with details and diagnostics."""

    name: str
    target: str
    figure: str
    passed: bool
    details: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def is_send(method: str) -> bool:
    """Calls that count against Telegram's message limits."""
    return method.lower() in _SENDS


def _chat_id(params: dict[str, Any]) -> int | None:
    try:
        return int(params.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def first_sends(fake: FakeBotApi, chat_ids: set[int]) -> dict[int, float]:
    """When the fake received the first accepted message to each of `chat_ids`."""
    first: dict[int, float] = {}
    for call in fake.calls:
        if call.ok and is_send(call.method):
            chat = _chat_id(call.params)
            if chat in chat_ids and chat not in first:
                first[chat] = call.time
    return first


def _utc(value: object) -> float:
    """A UTC datetime stored by SQLite as text, as unix seconds."""
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()


def _inbox_times(server: Server, update_ids: list[int]) -> dict[int, tuple[float, float | None]]:
    """update_id -> (received_at, processed_at) in unix seconds."""
    rows = server.query("SELECT update_id, received_at, processed_at FROM inbox")
    wanted = set(update_ids)
    return {
        int(str(u)): (_utc(r), _utc(p) if p is not None else None)
        for u, r, p in rows
        if int(str(u)) in wanted
    }


def _wall_offset(fake: FakeBotApi) -> float:
    """unix time - fake clock, to put database timestamps on the fake's clock."""
    return time.time() - fake.clock()


def _cpu_note(label: str, cpu: float, wall: float) -> str:
    return f"{label} used {cpu:.1f} s of CPU in {wall:.1f} s ({100 * cpu / wall:.0f}% of one core)"


# --------------------------------------------------------------------------- 1: acks per second
async def _drafts_memory(server: Server, limit: float) -> tuple[int, float, float]:
    """Wait (up to `limit` s) until no update is pending; (drafts, MiB now, MiB peak)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not server.query("SELECT count(*) FROM inbox WHERE status = 'pending'")[0][0]:
            break
        await asyncio.sleep(1.0)
    drafts = server.query("SELECT count(*) FROM conversations")[0][0]
    rss, peak = server.memory()
    return int(str(drafts)), rss, peak


async def ack_throughput(cfg: Config) -> Result:
    """40 keep-alive connections POST distinct `/start` updates; how many 200s per second."""
    first_user, first_update = 700_000_001, 900_000_001
    total = cfg.ack_warmup + cfg.ack_count
    async with run_fake_bot_api(TOKEN, think_time=0.0) as fake:
        for i in range(total):  # every sender exists and has started the bot: replies are valid
            fake.user(first_user + i, first_name=f"Pelapor{(first_user + i) % 1000}", started=True)
        async with run_server(fake, db_dir=cfg.db_dir, probe=cfg.probe) as server:
            params = load_params(
                server.port,
                cfg.ack_count,
                first_update,
                first_user,
                cfg.ack_time_limit,
                warmup=cfg.ack_warmup,
            )
            cpu0, wall0 = server.cpu(), time.monotonic()
            result = await _loadgen(params, cfg.ack_time_limit + 30)
            cpu, wall = server.cpu() - cpu0, time.monotonic() - wall0
            done = server.query("SELECT count(*) FROM inbox WHERE status = 'done'")
            messages = sum(1 for c in fake.calls if c.ok and is_send(c.method))
            # Every sender now has a report in progress once the worker has caught up: the
            # server's memory then is the figure for that many drafts (their replies queued).
            drafts, rss, peak = await _drafts_memory(server, cfg.ack_time_limit + 60)
            violations = len(fake.violations)
            failed = sum(1 for c in fake.failed_calls() if c.status != 429)
            server_notes = server.probe_summary() + server.log_summary()
    measured = result["measured"]
    ok, sent = measured["statuses"].get("200", 0), measured["sent"]
    rate = ok / measured["elapsed"] if measured["elapsed"] else 0.0
    lat = measured["latencies"]
    all_ok = ok == sent and not measured["errors"]
    passed = all_ok and rate >= 1000
    short = (
        f"; the {cfg.ack_time_limit:.0f} s time limit stopped it {cfg.ack_count - sent} "
        f"short of {cfg.ack_count}"
        if sent < cfg.ack_count
        else ""
    )
    details = [
        (
            "updates acknowledged (measured)",
            f"{ok} of {sent} sent with 200{short}"
            + (
                f"; statuses: {measured['statuses']}, errors: {measured['errors']}"
                if not all_ok
                else ""
            ),
        ),
        ("connections", str(WEBHOOK_CONNECTIONS)),
        ("wall time", f"{measured['elapsed']:.2f} s (after {cfg.ack_warmup} warm-up requests)"),
        (
            "ack latency p50 / p90 / p99 / max",
            " / ".join(ms(percentile(lat, p)) for p in (50, 90, 99, 100)),
        ),
    ]
    notes = [
        _cpu_note("the server", cpu, wall) + " over warm-up and measurement",
        f"the load generator (its own process) used {result['cpu_seconds']:.1f} s of CPU "
        f"in the measured {measured['elapsed']:.1f} s",
        f"memory with {drafts} reports in progress (every update handled, replies queued): "
        f"{rss:.0f} MiB resident, {peak:.0f} MiB at the peak (target < 150 MiB)",
        f"meanwhile the worker handled {done[0][0]} of the {result['warmup']['sent'] + sent} "
        f"updates acknowledged and the dispatcher "
        f"sent {messages} messages ({violations} refused with 429, {failed} other failed calls)",
        *server_notes,
    ]
    return Result(
        "Webhook acknowledgements",
        ">= 1000 acks/s at 40 connections",
        f"{rate:.0f} acks/s",
        passed,
        details,
        notes,
    )


async def _loadgen(
    params: dict[str, Any], limit: float, on_go: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Run benchmarks.loadgen in its own process; kill it if it overruns `limit` seconds.

    With `on_go`, the generator opens its connections first, then `on_go()` runs just before it
    is told to fire, so a clock started there does not count the process's start-up.
    """
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.loadgen",
        json.dumps(params | {"handshake": bool(on_go)}),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(limit):
            if on_go is not None:
                assert proc.stdout is not None and proc.stdin is not None
                line = await proc.stdout.readline()
                if line.strip() != b"ready":
                    raise RuntimeError(f"load generator did not get ready: {line!r}")
                on_go()
                proc.stdin.write(b"go\n")
                await proc.stdin.drain()
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed ({proc.returncode}): {err.decode()[-2000:]}")
    data: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return data


# --------------------------------------------------------------------------- 2: first reply
async def first_reply_latency(cfg: Config) -> Result:
    """New reporters send /start at a steady light rate; time until the first reply arrives."""
    count = max(1, round(cfg.latency_rate * cfg.latency_seconds))
    async with (
        run_fake_bot_api(TOKEN, think_time=0.0) as fake,
        run_server(fake, db_dir=cfg.db_dir, probe=cfg.probe) as server,
    ):
        for user in [fake.user() for _ in range(3)]:  # warm-up, not measured
            await user.send_text("/start")
            await user.wait_for_reply(timeout=10)
        users = [fake.user() for _ in range(count)]
        loop = asyncio.get_running_loop()
        begin = loop.time() + 0.1

        async def one(i: int, user: FakeUser) -> tuple[float, float, int | None, int]:
            await asyncio.sleep(max(0.0, begin + i / cfg.latency_rate - loop.time()))
            sent = fake.clock()
            delivery = await user.send_text("/start")
            acked = fake.clock()
            with contextlib.suppress(AssertionError):  # no reply in time: counted below
                await user.wait_for_reply(timeout=10)
            return sent, acked, delivery.status, int(delivery.update["update_id"])

        cpu0, wall0 = server.cpu(), time.monotonic()
        runs = await asyncio.gather(*(one(i, u) for i, u in enumerate(users)))
        cpu, wall = server.cpu() - cpu0, time.monotonic() - wall0
        offset = _wall_offset(fake)
        inbox = _inbox_times(server, [r[3] for r in runs])
        first = first_sends(fake, {u.id for u in users})
        violations = len(fake.violations)
        failed = sum(1 for c in fake.failed_calls() if c.status != 429)
        server_notes = server.probe_summary() + server.log_summary()
    latencies, acks, worker, dispatch = [], [], [], []
    for user, (sent, acked, _status, update_id) in zip(users, runs, strict=True):
        acks.append(acked - sent)
        if user.id not in first:
            continue
        latencies.append(first[user.id] - sent)
        received, processed = inbox.get(update_id, (math.nan, None))
        if processed is not None:
            worker.append(processed - received)
            dispatch.append(first[user.id] - (processed - offset))
    replied = len(latencies)
    p99 = percentile(latencies, 99)
    passed = replied == count and p99 < 0.250
    details = [
        (
            "load",
            f"{count} new reporters, {cfg.latency_rate:g} /start per second for "
            f"{cfg.latency_seconds:g} s",
        ),
        ("replied", f"{replied} of {count}"),
        (
            "first reply p50 / p90 / p99 / max",
            " / ".join(ms(percentile(latencies, p)) for p in (50, 90, 99, 100)),
        ),
        ("  webhook ack p50 / p99", f"{ms(percentile(acks, 50))} / {ms(percentile(acks, 99))}"),
        (
            "  stored -> handled p50 / p99",
            f"{ms(percentile(worker, 50))} / {ms(percentile(worker, 99))}",
        ),
        (
            "  handled -> reply at Bot API p50 / p99",
            f"{ms(percentile(dispatch, 50))} / {ms(percentile(dispatch, 99))}",
        ),
    ]
    notes = [
        _cpu_note("the server", cpu, wall),
        f"{violations} calls refused with 429, {failed} other failed calls",
        *server_notes,
    ]
    return Result(
        "First reply at light load", "p99 < 250 ms", f"p99 {ms(p99)}", passed, details, notes
    )


# --------------------------------------------------------------------------- 3: burst
async def burst(cfg: Config) -> Result:
    """N new reporters send /start at once; time until each has a reply, against 30 msg/s.

    The updates come from the load generator's process (40 connections, as Telegram would use),
    so the fake's event loop, which stamps the sends we count, has nothing else to do.
    """
    n = cfg.burst_reporters
    first_user, first_update = 800_000_001, 950_000_001
    async with (
        run_fake_bot_api(TOKEN, think_time=0.0) as fake,
        run_server(fake, db_dir=cfg.db_dir, probe=cfg.probe) as server,
    ):
        # New to the bot (no conversation yet); "started" only lets the fake accept replies to
        # them without delivering their /start itself.
        users = [
            fake.user(first_user + i, first_name=f"Pelapor{(first_user + i) % 1000}", started=True)
            for i in range(n)
        ]
        ids = {u.id for u in users}
        remaining = set(ids)

        def everyone_replied() -> bool:
            for uid in list(remaining):
                state = fake.store.chats.get(uid)
                if state is not None and state.bot_log:
                    remaining.discard(uid)
            return not remaining

        limit = 4 * (n / TELEGRAM_RATE) + 30  # four times the floor of one message each, + 30 s
        params = burst_params(server, n, first_update, first_user, limit)
        clock: dict[str, float] = {}

        def go() -> None:
            clock["start"] = fake.clock()
            clock["cpu"] = server.cpu()

        async with loop_lag() as lags:
            result = await _loadgen(params, limit + 30, on_go=go)
            start = clock["start"]
            measured = result["measured"]
            with contextlib.suppress(AssertionError):  # the time limit: reported as a miss
                await fake.wait_for(
                    everyone_replied,
                    max(1.0, limit - (fake.clock() - start)),
                    "a reply to every reporter",
                )
        cpu, wall = server.cpu() - clock["cpu"], fake.clock() - start
        offset = _wall_offset(fake)
        inbox = _inbox_times(server, [first_update + i for i in range(n)])
        pending = server.query("SELECT count(*) FROM outbox WHERE status = 'pending'")
        calls = [c for c in fake.calls if is_send(c.method) and c.time >= start]
        violations = list(fake.violations)
        failed = [c for c in fake.failed_calls() if c.status != 429]
        first = first_sends(fake, ids)
        server_notes = server.probe_summary() + server.log_summary()
    acked = measured["elapsed"]
    ok_acks = measured["statuses"].get("200", 0)
    replied = len(first)
    drain = max(first.values()) - start if first else math.inf
    sent_by_drain = sum(1 for c in calls if c.ok and c.time <= start + drain)
    floor = sent_by_drain / TELEGRAM_RATE
    ratio = drain / floor if floor else math.inf
    attempts_peak, _ = busiest_window([c.time for c in calls])
    processed = [p for _, p in inbox.values() if p is not None]
    handled_at = max(processed) - offset - start if len(processed) == n else math.nan
    rate = sent_by_drain / drain if drain > 0 else math.nan
    # Sends while the worker was still handling the burst (both share the server's event loop)
    # and after it: shows what the worker's turn costs the dispatcher.
    during = (
        sum(1 for c in calls if c.ok and c.time <= start + handled_at)
        if not math.isnan(handled_at)
        else 0
    )
    rate_during = during / handled_at if handled_at and not math.isnan(handled_at) else math.nan
    rate_after = (
        (sent_by_drain - during) / (drain - handled_at)
        if not math.isnan(handled_at) and drain > handled_at
        else math.nan
    )
    passed = (
        ok_acks == n
        and replied == n
        and ratio <= BURST_TARGET
        and attempts_peak <= TELEGRAM_RATE
        and not violations
    )
    details = [
        ("reporters", f"{n} new, /start at once over {WEBHOOK_CONNECTIONS} webhook connections"),
        (
            "all acknowledged",
            f"{ok_acks} of {n} with 200 after {acked:.2f} s"
            + (f"; errors: {measured['errors']}" if measured["errors"] else ""),
        ),
        (
            "all handled by the worker",
            f"after {handled_at:.1f} s"
            if not math.isnan(handled_at)
            else f"{len(processed)} of {n} when measured",
        ),
        (
            "every reporter has a reply",
            f"{replied} of {n}; the first after "
            f"{min(first.values(), default=start) - start:.2f} s, "
            f"the last after {drain:.1f} s",
        ),
        ("messages sent until then", f"{sent_by_drain}"),
        (
            "floor at 30 msg/s",
            f"{floor:.1f} s (one message each would be {n / TELEGRAM_RATE:.1f} s)",
        ),
        ("drain / floor", f"{ratio:.2f}"),
        (
            "average send rate until then",
            f"{rate:.1f} msg/s ({rate_during:.1f} while the "
            f"worker handled the burst, {rate_after:.1f} after)",
        ),
        (
            "most sends in any 1 s",
            f"{attempts_peak} (every send the fake received, refused ones included)",
        ),
        ("refused with 429", str(len(violations))),
    ]
    notes = [
        _cpu_note("the server", cpu, wall),
        f"the fake Bot API's event loop woke sleepers late by p99 "
        f"{ms(percentile(lags, 99))}, max {ms(percentile(lags, 100))} (its call stamps are "
        f"that much less exact)",
        f"{len(failed)} other failed calls; outbox rows still pending once every reporter "
        f"had a reply: {pending[0][0]}",
    ]
    if violations:
        scopes: dict[str, int] = {}
        for v in violations:
            scopes[v.scope] = scopes.get(v.scope, 0) + 1
        notes.append(f"429 by scope: {scopes}")
    notes += server_notes
    return Result(
        f"Burst of {n} new reporters",
        f"<= {BURST_TARGET} x floor, never > 30 sends/s",
        f"{drain:.1f} s = {ratio:.2f} x floor, peak {attempts_peak}/s",
        passed,
        details,
        notes,
    )


SCENARIOS: dict[str, Callable[[Config], Awaitable[Result]]] = {
    "ack": ack_throughput,
    "latency": first_reply_latency,
    "burst": burst,
}
