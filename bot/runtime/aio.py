"""Background-loop plumbing shared by the worker, the dispatcher and the janitor."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

_OURS = str(Path(__file__).resolve().parents[2])


def backoff(
    attempt: int, *, base: float = 1.0, cap: float = 300.0, rng: Callable[[], float] = random.random
) -> float:
    """Seconds before retry number `attempt` + 1 (`attempt` >= 0), with full jitter.

    A random wait between 0 and min(cap, base * 2**attempt): the one backoff of every loop
    (worker, dispatcher, timers, poller, webhook registration). The jitter spreads retries, so
    that what failed together (an outage) does not all come back in the same instant.
    """
    ceiling = min(cap, base * 2.0 ** min(max(attempt, 0), 62))
    return ceiling * rng()


async def wait_for_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set or `seconds` pass; True when it was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)
    return event.is_set()


def describe(exc: BaseException) -> str:
    """An exception's type and our innermost frame, never its message.

    Messages can carry what failed to be written (SQL parameters, a reporter's text), so logs
    get only what is needed to find the bug.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(_OURS) and "/.venv/" not in f.filename]
    if not (ours or frames):
        return type(exc).__name__
    frame = (ours or frames)[-1]
    return f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno} in {frame.name}"


class Wakeable:
    """A loop that works in turns and, between turns, sleeps until woken or a time passes."""

    def __init__(self) -> None:
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something new is there: take a turn now."""
        self._wake.set()

    async def loop(
        self, stop: asyncio.Event, turn: Callable[[], Awaitable[float]], log: logging.Logger
    ) -> None:
        """Run `turn` (it returns seconds to sleep, 0 for at once) until `stop` is set."""
        failures = 0
        while not stop.is_set():
            self._wake.clear()  # before looking, so a commit landing meanwhile is not missed
            try:
                delay = await turn()
            except Exception as exc:  # the database or network itself failed: pause, go on
                failures += 1
                delay = max(backoff(failures, base=0.5, cap=10.0), 0.1)
                log.error("%s; retrying in %.1f s", describe(exc), delay)
            else:
                failures = 0
            if delay > 0:
                await wait_for_event(self._wake, delay)
