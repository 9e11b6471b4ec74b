"""The one clock: every service asks it for the time, so tests and the demo can move time.

`now()` is the wall clock (UTC, for due times and records); `monotonic()` measures intervals
(rate limits, timeouts). Loops still sleep in real time, but they sleep at most a second and
are woken when the time moves on (`on_change`), so simulated time needs no real waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock and monotonic time from injectable sources (the system's by default)."""

    def __init__(
        self,
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._now = now or (lambda: datetime.now(UTC))
        self._monotonic = monotonic
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        """The current time, aware UTC."""
        return self._now()

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        return self._monotonic()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the time jumps (simulated and scaled clocks only)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()


class ManualClock(Clock):
    """Wall-clock time that moves only when told to (tests): `advance()` wakes every loop.

    Monotonic time stays real (or the given source, e.g. the fake Bot API's), because it paces
    requests to Telegram, whose limits run in real time whatever the test pretends.
    """

    def __init__(
        self, start: datetime | None = None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._at = start or datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
        super().__init__(now=lambda: self._at, monotonic=monotonic)

    def advance(self, by: timedelta | float) -> None:
        """Move time forward by `by` (seconds or a timedelta) and wake the loops."""
        seconds = by.total_seconds() if isinstance(by, timedelta) else float(by)
        self._at += timedelta(seconds=seconds)
        self._changed()

    def set(self, at: datetime) -> None:
        """Jump to `at` (never backwards)."""
        self.advance(max((at - self._at).total_seconds(), 0.0))


class ScaledClock(Clock):
    """Real time running `factor` times faster from now on (the demo's "fast clock")."""

    def __init__(self, factor: float = 1.0) -> None:
        self._real_start = datetime.now(UTC)
        self._mono_start = time.monotonic()
        self._factor = factor
        super().__init__(now=self._scaled_now)

    @property
    def factor(self) -> float:
        """How many seconds pass per real second."""
        return self._factor

    def set_factor(self, factor: float) -> None:
        """Change the speed from this moment on, without a jump."""
        self._real_start = self._scaled_now()
        self._mono_start = time.monotonic()
        self._factor = factor
        self._changed()

    def _scaled_now(self) -> datetime:
        elapsed = time.monotonic() - self._mono_start
        return self._real_start + timedelta(seconds=elapsed * self._factor)
