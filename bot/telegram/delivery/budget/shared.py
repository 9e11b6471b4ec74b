"""Telegram's sending limits as a budget shared by every process of one bot.

One process alone (SQLite) keeps its limits in memory (bot.telegram.delivery.ratelimit). Several
processes on one PostgreSQL database must count each other's sends: each send first takes its
turn from a budget they share, in PostgreSQL (storage.repos.pipeline.budget) or in Redis when
`REDIS_URL` is set (`redis_store` beside this module). Per private chat a burst of 3, then about
1 a second; per group 20 a minute and 1 a second; overall 25 messages a second, evenly spaced.

Overall is lower than one process's 28 (bot.telegram.delivery.ratelimit): a turn taken by one
process may reach Telegram later than a turn another took after it, by as much as a busy host
delays a process (over 100 ms seen on 2 shared cores), and Telegram counts arrivals. 25 leaves
room for about 170 ms of such reordering inside Telegram's 30.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from storage.db import Database
from storage.repos.pipeline import budget as repo
from storage.repos.pipeline.budget import Rule

GLOBAL_KEY = "global"
GLOBAL_RULES = (Rule(25, 1.0), Rule(1, 1.0 / 30))
PRIVATE_RULES = (Rule(3, 3.0),)
GROUP_RULES = (Rule(20, 60.0), Rule(1, 1.0))


def rules_for(chat_key: str, is_group: bool) -> list[tuple[str, tuple[Rule, ...]]]:
    """The keys a message to this chat counts under, each with its limits."""
    chat = (f"chat:{chat_key}", GROUP_RULES if is_group else PRIVATE_RULES)
    return [(GLOBAL_KEY, GLOBAL_RULES), chat]


class SendBudget(Protocol):
    """Turns to send, shared by the processes of one bot."""

    async def take(self, chat_key: str, is_group: bool) -> float:
        """0 when a message to this chat may go now (and is counted), else seconds to wait."""
        ...

    async def pause(self, chat_key: str, seconds: float) -> None:
        """Telegram answered 429 for this chat: no process sends to it for `seconds`."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def shared_clock(monotonic: Callable[[], float]) -> Callable[[], float]:
    """Seconds that every process of the bot agrees on: wall time, read through `monotonic`.

    Wall time is what processes (even on several hosts, kept in step by NTP) share; reading it
    as an offset from the injected monotonic clock keeps it steady and lets tests move it.
    """
    offset = time.time() - monotonic()
    return lambda: monotonic() + offset


class DatabaseBudget:
    """The shared budget in PostgreSQL: one row per limit key, locked while a turn is taken."""

    def __init__(self, db: Database, now: Callable[[], float]) -> None:
        self._db = db
        self._now = now

    async def take(self, chat_key: str, is_group: bool) -> float:
        """Take a turn for a message to this chat, or say how long to wait."""
        async with self._db.transaction() as session:
            return await repo.take(session, rules_for(chat_key, is_group), self._now())

    async def pause(self, chat_key: str, seconds: float) -> None:
        """Hold every process's messages to this chat for `seconds`."""
        async with self._db.transaction() as session:
            await repo.pause(session, f"chat:{chat_key}", self._now() + seconds)

    async def close(self) -> None:
        """Nothing to release: the database is closed by its owner."""
