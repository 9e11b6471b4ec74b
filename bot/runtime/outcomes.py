"""Transports, and what became of one send as a transport reports it to the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias


@dataclass(frozen=True)
class Sent:
    """Delivered; `result_id` is the id of what it created (a message, a topic), if any."""

    result_id: int | None = None


@dataclass(frozen=True)
class Retry:
    """Not delivered this time: try again after `after` seconds (None: the backoff decides).

    `count=False` when the other side asked us to wait (429): that is not a failed attempt.
    """

    after: float | None
    error: str
    count: bool = True


@dataclass(frozen=True)
class Failed:
    """Refused for good. `group_unreachable`: an essential row that must be kept trying."""

    reason: str
    group_unreachable: bool = False


@dataclass(frozen=True)
class Rewrite:
    """Send this instead (an edit whose message is gone, a message as plain text)."""

    method: str
    params: dict[str, Any]
    error: str | None = None


Outcome: TypeAlias = Sent | Retry | Failed | Rewrite


class Transport(Protocol):
    """One channel's way out (Telegram now; the case system's webhook later)."""

    @property
    def name(self) -> str:
        """The outbox `channel` value this transport serves."""
        ...

    def wait(
        self, method: str, chat_key: str, is_group: bool, now: float, *, chat_only: bool = False
    ) -> float:
        """Seconds until this call may go under the channel's limits (0: now)."""
        ...

    def record(self, method: str, chat_key: str, is_group: bool, now: float) -> None:
        """Count a call that is about to go."""
        ...

    def last_sent(self, chat_key: str) -> float:
        """When this chat was last written to (minus infinity if not lately)."""
        ...

    def forget_idle(self, now: float) -> None:
        """Drop pacing state of chats that have been quiet."""
        ...

    def fill(
        self, method: str, params: dict[str, Any], ids: dict[str, int | None]
    ) -> tuple[str, dict[str, Any]]:
        """Put tracked ids into `params` (None: the tracked call never succeeded)."""
        ...

    async def send(
        self, method: str, params: dict[str, Any], *, chat_key: str, now: float, essential: bool
    ) -> Outcome:
        """Make the call and classify what happened."""
        ...
