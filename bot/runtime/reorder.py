"""A bounded reorder window: updates of one chat are handled in `update_id` order even when
webhook requests that left Telegram in that order arrive (and commit) in another.

Telegram numbers updates one after another and may POST up to 40 at once, so update 101 can
commit a few milliseconds before 100. The worker therefore handles nothing above a gap in the
ids it has seen, until the gap fills or has been open for `HOLD` seconds, whichever comes
first: then it counts as settled (an id Telegram never sends, such as a filtered update, or
one from a very long time ago). A missing id may belong to any chat, so the hold applies to
all of them, and it is short: 250 ms at most, and only while a gap is open.
"""

from __future__ import annotations

HOLD = 0.25  # seconds: the longest a gap holds back the updates above it


class ReorderWindow:
    """Tracks the highest id below which every update has arrived or was given up on."""

    def __init__(self, hold: float = HOLD) -> None:
        self.hold = hold
        self.watermark: int | None = None
        self._gaps: dict[int, float] = {}  # first missing id -> when the gap was first seen

    def horizon(self, arrived: list[int], now: float) -> tuple[int | None, float]:
        """Given the ids stored above the watermark (in order): the first id that must not be
        handled yet (None: all may), and the seconds until its gap counts as settled."""
        if not arrived:
            return None, 0.0
        if self.watermark is None:
            self.watermark = arrived[0] - 1
        for update_id in arrived:
            expected = self.watermark + 1
            if update_id < expected:
                continue
            if update_id > expected:
                seen = self._gaps.setdefault(expected, now)
                if now - seen < self.hold:
                    return expected, seen + self.hold - now
                del self._gaps[expected]  # settled: nothing more is coming for these ids
            self.watermark = update_id
        self._gaps = {k: v for k, v in self._gaps.items() if k > self.watermark}
        return None, 0.0
