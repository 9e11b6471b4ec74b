"""Whether a transport's far side answers: one shared view instead of each row's own backoff.

After a few transient failures in a row (network errors, 5xx) the far side counts as down.
While it is down, rows wait and one probe at a time checks it, every few seconds; the first
success puts it back up, and the dispatcher then makes every row that waited only for that due
at once. So recovery is noticed within seconds, not after each row's own long backoff.
"""

from __future__ import annotations

from bot.runtime.aio import backoff

DOWN_AFTER = 2  # transient failures in a row, with no success between
PROBE_BASE = 0.5  # seconds; probes back off to at most PROBE_CAP, with jitter
PROBE_CAP = 3.0


class Health:
    """The far side's state as the sends see it (times are the clock's seconds)."""

    def __init__(self) -> None:
        self._failures = 0
        self._probes = 0
        self._next_probe = 0.0
        self.probing = False
        self.down_since: float | None = None

    @property
    def up(self) -> bool:
        """True unless recent sends all failed transiently."""
        return self.down_since is None

    def failed(self, now: float) -> None:
        """A send failed transiently (network, 5xx, time-out)."""
        self._failures += 1
        if self._failures >= DOWN_AFTER and self.down_since is None:
            self.down_since = now
            self._probes = 0
        if self.down_since is not None:
            self._next_probe = now + backoff(self._probes, base=PROBE_BASE, cap=PROBE_CAP)
            self._probes += 1

    def succeeded(self) -> bool:
        """A send went through; True when that ended an outage."""
        self._failures = 0
        recovered = self.down_since is not None
        self.down_since = None
        return recovered

    def probe_in(self, now: float) -> float:
        """While down: seconds until the next probe may start (0: now)."""
        return PROBE_CAP if self.probing else max(self._next_probe - now, 0.0)
