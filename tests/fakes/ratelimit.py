"""Telegram's flood limits (per private chat, per group, global) with an injectable clock."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


class FakeClock:
    """Monotonic seconds: real time (unless frozen) plus an offset that tests can advance."""

    def __init__(self, *, real_time: bool = True, start: float = 1000.0) -> None:
        """Start at `start`; with real_time=False time only moves through advance()."""
        self.real_time = real_time
        self._origin = time.monotonic()
        self._offset = start

    def __call__(self) -> float:
        """Return the current time in seconds."""
        elapsed = time.monotonic() - self._origin if self.real_time else 0.0
        return self._offset + elapsed

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds`."""
        self._offset += seconds


@dataclass(frozen=True)
class Violation:
    """A call refused with 429 because it exceeded a flood limit."""

    method: str
    chat_id: int | str
    scope: str
    retry_after: int
    time: float


class RateLimiter:
    """Token bucket per private chat, sliding windows per group and globally."""

    def __init__(
        self,
        clock: Clock,
        *,
        private_rate: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
        global_per_second: int = 30,
    ) -> None:
        """Configure the limits (defaults follow Telegram's published guidance)."""
        self.clock = clock
        self.enabled = True
        self.private_rate = private_rate
        self.private_burst = private_burst
        self.group_per_minute = group_per_minute
        self.global_per_second = global_per_second
        self._buckets: dict[int | str, tuple[float, float]] = {}
        self._groups: dict[int | str, deque[float]] = {}
        self._global: deque[float] = deque()

    def check(self, chat_id: int | str) -> tuple[str, int] | None:
        """Return (scope, retry_after) if a message to `chat_id` now would exceed a limit."""
        if not self.enabled:
            return None
        now = self.clock()
        _expire(self._global, now - 1.0)
        if len(self._global) >= self.global_per_second:
            return "global", _ceil(self._global[0] + 1.0 - now)
        if _is_private(chat_id):
            tokens = self._tokens(chat_id, now)
            if tokens < 1.0:
                return "chat", _ceil((1.0 - tokens) / self.private_rate)
            return None
        window = self._groups.setdefault(chat_id, deque())
        _expire(window, now - 60.0)
        if len(window) >= self.group_per_minute:
            return "group", _ceil(window[0] + 60.0 - now)
        return None

    def consume(self, chat_id: int | str) -> None:
        """Account for one message sent to `chat_id`."""
        now = self.clock()
        self._global.append(now)
        if _is_private(chat_id):
            self._buckets[chat_id] = (self._tokens(chat_id, now) - 1.0, now)
        else:
            self._groups.setdefault(chat_id, deque()).append(now)

    def reset(self) -> None:
        """Forget all history."""
        self._buckets.clear()
        self._groups.clear()
        self._global.clear()

    def _tokens(self, chat_id: int | str, now: float) -> float:
        """Current tokens of a private chat's bucket."""
        tokens, last = self._buckets.get(chat_id, (float(self.private_burst), now))
        return min(float(self.private_burst), tokens + (now - last) * self.private_rate)


def _is_private(chat_id: int | str) -> bool:
    """Positive numeric ids are private chats."""
    return isinstance(chat_id, int) and chat_id > 0


def _expire(window: deque[float], before: float) -> None:
    """Drop timestamps at or before `before`."""
    while window and window[0] <= before:
        window.popleft()


def _ceil(seconds: float) -> int:
    """Telegram reports whole seconds, at least 1."""
    return max(1, math.ceil(seconds - 1e-9))
