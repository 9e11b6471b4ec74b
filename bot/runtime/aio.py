"""Background-loop plumbing shared by the worker, the dispatcher and the janitor."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

_OURS = str(Path(__file__).resolve().parents[2])


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
        while not stop.is_set():
            self._wake.clear()  # before looking, so a commit landing meanwhile is not missed
            try:
                delay = await turn()
            except Exception as exc:  # the database or network itself failed: pause, go on
                log.error("%s; retrying in 1 s", describe(exc))
                delay = 1.0
            if delay > 0:
                await wait_for_event(self._wake, delay)
