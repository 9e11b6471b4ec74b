"""Sliding-window limits that keep the dispatcher inside Telegram's sending limits."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Window:
    """At most `limit` events in any `seconds`-long window."""

    limit: int
    seconds: float
    _times: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 when it fits now)."""
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.seconds - now

    def record(self, now: float) -> None:
        """Count one event at `now`."""
        self._times.append(now)


@dataclass
class TelegramLimits:
    """Telegram's limits: ~30 messages/s overall, ~1/s per chat (short bursts), 20/min per group.

    Private chats may burst 3 messages (a step often answers with two or three), then 1/s.
    """

    # 28, not 30: a request counted here reaches Telegram a few milliseconds later, and two
    # requests can swap order on the way; the margin keeps Telegram's own count under 30.
    overall: Window = field(default_factory=lambda: Window(28, 1.0))
    # ...and evenly spaced, so one second's 28 do not leave as one burst that could land,
    # with network jitter, inside Telegram's window for the previous second.
    spacing: Window = field(default_factory=lambda: Window(1, 1.0 / 30))
    private_burst: int = 3
    _chats: dict[str, tuple[Window, ...]] = field(default_factory=dict)
    _paused: dict[str, float] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _swept: float = float("-inf")

    def _windows(self, chat_key: str, is_group: bool) -> tuple[Window, ...]:
        if chat_key not in self._chats:
            burst = self.private_burst
            self._chats[chat_key] = (
                (Window(20, 60.0), Window(1, 1.0)) if is_group else (Window(burst, float(burst)),)
            )
        return self._chats[chat_key]

    def wait(self, chat_key: str, is_group: bool, now: float, *, chat_only: bool = False) -> float:
        """Seconds until a message to this chat may go (0 when it may go now)."""
        paused = self._paused.get(chat_key, 0.0) - now
        windows = self._windows(chat_key, is_group)
        overall = 0.0 if chat_only else max(self.overall.wait(now), self.spacing.wait(now))
        return max(paused, overall, *(w.wait(now) for w in windows))

    def record(self, chat_key: str, is_group: bool, now: float) -> None:
        """Count a message sent to this chat."""
        self.overall.record(now)
        self.spacing.record(now)
        self._last[chat_key] = now
        for window in self._windows(chat_key, is_group):
            window.record(now)

    def last_sent(self, chat_key: str) -> float:
        """When we last wrote to this chat (minus infinity if not in the last few minutes)."""
        return self._last.get(chat_key, float("-inf"))

    def pause(self, chat_key: str, until: float) -> None:
        """Telegram said 429 for this chat: send nothing to it before `until`."""
        self._paused[chat_key] = max(self._paused.get(chat_key, 0.0), until)

    def forget_idle(self, now: float) -> None:
        """Drop windows of chats quiet for a minute, so memory stays flat (a sweep every 10 s:
        it walks every chat seen lately, and the dispatcher calls it on each pass)."""
        if now - self._swept < 10.0:
            return
        self._swept = now
        idle = [
            k
            for k, windows in self._chats.items()
            if all(not w._times or w._times[-1] < now - 60 for w in windows)
        ]
        for key in idle:
            del self._chats[key]
            self._paused.pop(key, None)
        for key in [k for k, at in self._last.items() if at < now - 300]:
            del self._last[key]
