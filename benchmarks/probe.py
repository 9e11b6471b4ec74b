"""Diagnostics only (`python -m benchmarks --probe`): the real server with timers wrapped around it.

Run as the server's entry point instead of `bot.cli.main`: it wraps a few methods of the running
services with timers (nothing else changes) and writes what it measured to `$BENCH_PROBE_OUT`
twice a second. With `no-worker` in `$BENCH_PROBE` the inbox worker does nothing, which shows
what ingest alone can do. The figures in docs/benchmarks.md never come from a probed server.

It reaches into private methods on purpose; when one is renamed, the probed server fails at
start-up with an AttributeError in its log, and the benchmark shows that log.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import bot.runtime.dispatch
import bot.runtime.ingest
import bot.runtime.worker
import bot.telegram.ratelimit
from benchmarks.stats import ms, percentile

Samples = dict[str, list[float]]


def _timed(
    owner: type, name: str, samples: list[float], keep: Callable[[Any], bool] = lambda _result: True
) -> None:
    original = getattr(owner, name)

    @wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = await original(*args, **kwargs)
        if keep(result):
            samples.append(time.perf_counter() - started)
        return result

    setattr(owner, name, timed)


def install(mode: str) -> Samples:
    """Wrap the services' methods; return the lists they fill."""
    s: Samples = {
        "inbox_commit": [],
        "inbox_batch": [],
        "worker_txn": [],
        "lease_txn": [],
        "send_lag": [],
        "pump": [],
        "gc_pause": [],
        "gc_pause_gen2": [],
    }
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:  # every collection stops the world
        if phase == "start":
            gc_started[0] = time.perf_counter()
            return
        pause = time.perf_counter() - gc_started[0]
        s["gc_pause_gen2" if info.get("generation") == 2 else "gc_pause"].append(pause)

    gc.callbacks.append(on_gc)
    _timed(bot.runtime.ingest.InboxWriter, "store", s["inbox_commit"])
    _timed(bot.runtime.worker.Worker, "process_one", s["worker_txn"], keep=bool)
    _timed(bot.runtime.dispatch.Dispatcher, "_lease", s["lease_txn"], keep=bool)
    _timed(bot.runtime.dispatch.Dispatcher, "pump", s["pump"])

    store = bot.runtime.ingest.InboxWriter.store

    async def counted_store(self: Any, rows: list[Any]) -> None:
        s["inbox_batch"].append(float(len(rows)))
        await store(self, rows)

    bot.runtime.ingest.InboxWriter.store = counted_store  # type: ignore[method-assign]

    stamped: dict[str, float] = {}
    record = bot.telegram.ratelimit.TelegramLimits.record

    def stamping_record(self: Any, chat_key: str, is_group: bool, now: float) -> None:
        stamped[chat_key] = now
        record(self, chat_key, is_group, now)

    bot.telegram.ratelimit.TelegramLimits.record = stamping_record  # type: ignore[method-assign]
    send = bot.runtime.dispatch.Dispatcher._send

    async def lagged_send(self: Any, row: Any) -> None:
        if row.chat_key in stamped:  # when the limiter counted it -> when the HTTP call starts
            s["send_lag"].append(time.monotonic() - stamped.pop(row.chat_key))
        await send(self, row)

    bot.runtime.dispatch.Dispatcher._send = lagged_send  # type: ignore[method-assign]

    if "no-worker" in mode:

        async def idle(self: Any, stop: Any) -> None:
            await stop.wait()

        bot.runtime.worker.Worker.run = idle  # type: ignore[method-assign]
    return s


def summary(path: Path, wall: float) -> list[str]:
    """One line per measured thing, for a scenario's notes."""
    try:
        s: Samples = json.loads(path.read_text())
    except (OSError, ValueError):
        return ["probe: no data"]

    def dist(key: str) -> str:
        v = s.get(key, [])
        return (
            f"n={len(v)}, p50 {ms(percentile(v, 50))}, p99 {ms(percentile(v, 99))}, "
            f"max {ms(percentile(v, 100))}"
        )

    batches = s.get("inbox_batch", [])
    worker = sum(s.get("worker_txn", []))
    return [
        f"probe: inbox group commit {dist('inbox_commit')}; mean batch "
        f"{sum(batches) / len(batches) if batches else 0:.1f} updates",
        f"probe: worker transaction (BEGIN IMMEDIATE to COMMIT, lock waits included) "
        f"{dist('worker_txn')}; {worker:.1f} s in all, {100 * worker / wall:.0f}% of the "
        f"server's life",
        f"probe: outbox lease transaction {dist('lease_txn')}; pump {dist('pump')}",
        f"probe: rate limiter stamp -> HTTP call starts {dist('send_lag')}",
        f"probe: garbage collection pauses, generations 0-1 {dist('gc_pause')}; "
        f"generation 2 {dist('gc_pause_gen2')}",
    ]


def main() -> int:
    """Install the timers, dump them periodically, run the server."""
    samples = install(os.environ.get("BENCH_PROBE", ""))
    out = Path(os.environ["BENCH_PROBE_OUT"])

    def dump() -> None:
        out.write_text(json.dumps({k: list(v) for k, v in samples.items()}))

    def loop() -> None:
        while True:
            time.sleep(0.5)
            dump()

    threading.Thread(target=loop, daemon=True, name="probe-dump").start()
    from bot.cli.main import main as cli_main

    try:
        return cli_main(["run"])
    finally:
        dump()


if __name__ == "__main__":
    sys.exit(main())
