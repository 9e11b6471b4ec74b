"""Small helpers: percentiles, the busiest sliding window, CPU accounting, event-loop lag."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import resource
import time
from collections.abc import AsyncIterator, Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank `p`-th percentile (0 < p <= 100) of `values`; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def busiest_window(times: Sequence[float], seconds: float = 1.0) -> tuple[int, float]:
    """The most events in any window (t - seconds, t], as the fake counts, and where it starts."""
    ordered = sorted(times)
    best, start, lo = 0, math.nan, 0
    for hi, t in enumerate(ordered):
        while ordered[lo] <= t - seconds:
            lo += 1
        if hi - lo + 1 > best:
            best, start = hi - lo + 1, ordered[lo]
    return best, start


def machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, all cores (Linux /proc/stat)."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return math.nan, math.nan
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def own_cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a table cell."""
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


@contextlib.asynccontextmanager
async def loop_lag(interval: float = 0.005) -> AsyncIterator[list[float]]:
    """How late this event loop wakes a sleeper, sampled while the block runs.

    The fake Bot API stamps each call when its handler runs in this loop: a stalled loop would
    bunch the stamps and make the bot look faster than it is.
    """
    lags: list[float] = []

    async def sample() -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(interval)
            lags.append(max(0.0, time.perf_counter() - started - interval))

    task = asyncio.create_task(sample())
    try:
        yield lags
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
