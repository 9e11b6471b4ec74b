"""Update queue for getUpdates (offset, limit, long polling) and the webhook registration."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.errors import ApiError

# Update kinds Telegram leaves out unless they are listed in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def update_type(update: dict[str, Any]) -> str:
    """The kind of an update: the key besides update_id ('message', 'callback_query', ...)."""
    return next((k for k in update if k != "update_id"), "")


def is_allowed(kind: str, allowed: list[str] | None) -> bool:
    """Whether Telegram would deliver an update of `kind` given `allowed_updates`."""
    if not allowed:
        return kind not in OPT_IN_UPDATES
    return kind in allowed


@dataclass
class Webhook:
    """What the bot registered with setWebhook."""

    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int) -> dict[str, Any]:
        """The WebhookInfo object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.ip_address:
            info["ip_address"] = self.ip_address
        if self.allowed_updates:
            info["allowed_updates"] = list(self.allowed_updates)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


@dataclass
class WebhookDelivery:
    """One POST of an update to the bot's webhook."""

    update: dict[str, Any]
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class UpdateQueue:
    """Pending updates with Telegram's getUpdates semantics."""

    def __init__(self, first_update_id: int = 100_000_001) -> None:
        """Start empty; update ids increase from `first_update_id`."""
        self.pending: list[dict[str, Any]] = []
        self.allowed_updates: list[str] | None = None
        self._next_id = first_update_id
        self._arrived = asyncio.Event()
        self._generation = 0
        self.closed = False

    def next_update_id(self) -> int:
        """Allocate a global, increasing update_id."""
        value = self._next_id
        self._next_id += 1
        return value

    def push(self, update: dict[str, Any]) -> bool:
        """Queue an update for getUpdates; False if allowed_updates filters it out."""
        if not is_allowed(update_type(update), self.allowed_updates):
            return False
        self.pending.append(update)
        self._wake()
        return True

    def drop_pending(self) -> None:
        """Forget every pending update (drop_pending_updates=True)."""
        self.pending.clear()

    def close(self) -> None:
        """Release long polls (server shutdown)."""
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        """Wake all long polls."""
        self._arrived.set()
        self._arrived = asyncio.Event()

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Confirm updates below `offset`, then return up to `limit`, long-polling `timeout` s."""
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"]) or None
        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            self.pending = self.pending[offset:]
        elif isinstance(offset, int) and offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        self._generation += 1
        generation = self._generation
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.pending and not self.closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                break
            if generation != self._generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
        if generation != self._generation:
            raise ApiError(409, CONFLICT_OTHER_POLL)
        return [u for u in self.pending[:limit]]
