"""Telling when the bot has finished answering a chat, for the page's "typing…" line and for
scripted users, who wait for the answer before they act again as a person would.

A chat is busy from a user's action until every update it caused is handled and every message
the bot queued for it is sent. The pipeline is watched through the database on a separate,
read-only connection, so the watching never takes a turn from the writers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.demo.standin.world import World
from bot.infra.crypto import Keys
from storage.repos.pipeline import activity

log = logging.getLogger(__name__)

POLL = 0.1  # seconds between looks while some chat is busy
GIVE_UP = 120.0  # a chat busy this long is let go (shown idle), so the page never hangs


class Activity:
    """Tracks busy chats; `idle()` waits for one to be answered."""

    def __init__(self, world: World, database_url: str, data_key: str) -> None:
        self._world = world
        # Plain reads: SQLite in WAL mode lets them run beside the writer without a lock.
        self._engine: AsyncEngine = create_async_engine(database_url)
        self._sessions = async_sessionmaker(self._engine)
        self._keys = Keys(data_key)
        self._pending: dict[int, set[int]] = {}  # busy chat -> updates not yet handled
        self._since: dict[int, float] = {}  # busy chat -> when it became busy
        self._idle: dict[int, asyncio.Event] = {}
        self._wake = asyncio.Event()

    def track(self, chat_id: int, update_id: int) -> None:
        """A user acted in `chat_id`: the chat is busy until the update is answered."""
        if chat_id not in self._pending:
            self._pending[chat_id] = set()
            self._since[chat_id] = time.monotonic()
            self._idle.setdefault(chat_id, asyncio.Event()).clear()
            self._world.emit("busy", chat=chat_id, busy=True)
        self._pending[chat_id].add(update_id)
        self._wake.set()

    def busy(self, chat_id: int) -> bool:
        """True while the bot is still answering `chat_id`."""
        return chat_id in self._pending

    async def idle(self, chat_id: int, within: float) -> bool:
        """Wait until `chat_id` is answered; False if that took longer than `within` seconds."""
        if not self.busy(chat_id):
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle[chat_id].wait(), within)
        return not self.busy(chat_id)

    async def run(self, stop: asyncio.Event) -> None:
        """Watch busy chats until `stop` is set."""
        while not stop.is_set():
            if not self._pending:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                continue
            try:
                await self._look()
            except Exception as exc:  # the database is busy or gone: look again shortly
                log.warning("activity check failed: %s", type(exc).__name__)
            await asyncio.sleep(POLL)

    async def _look(self) -> None:
        # Taken before the query: an update confirmed by then was stored by then, so if the
        # query does not find it, it was handled and purged. Updates tracked while the query
        # runs are judged next time.
        ids = {u for updates in self._pending.values() for u in updates}
        stored_below = self._world.confirmed_below
        async with self._sessions() as session:
            statuses = await activity.update_statuses(session, ids)
            for chat_id, updates in list(self._pending.items()):
                updates -= {
                    u for u in updates & ids if self._handled(u, statuses.get(u), stored_below)
                }
                unsent = (
                    0
                    if updates
                    else await activity.unsent_count(session, self._keys.identity_key(chat_id))
                )
                waited = time.monotonic() - self._since[chat_id]
                # `updates` is read after the await: a user may have acted again meanwhile.
                if waited < GIVE_UP and (updates or unsent):
                    continue
                if waited >= GIVE_UP:
                    log.warning("a demo chat was still busy after %d s; shown idle", waited)
                del self._pending[chat_id]
                self._idle[chat_id].set()
                self._world.emit("busy", chat=chat_id, busy=False)

    @staticmethod
    def _handled(update_id: int, status: str | None, stored_below: int) -> bool:
        if status is None:  # not stored yet, or stored, handled and long since purged
            return update_id < stored_below
        return status != "pending"

    async def close(self) -> None:
        """Release the read connection."""
        await self._engine.dispose()
