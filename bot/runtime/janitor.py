"""Housekeeping: forget delivered and processed rows once they have served their purpose."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.infra.clock import Clock
from bot.runtime.aio import wait_for_event
from storage.db import Database
from storage.repos.pipeline import budget, chatlog, conversations, inbox, limits, outbox
from storage.repos.triage import digest

log = logging.getLogger(__name__)

# Telegram stops re-delivering an update after 24 hours: two days of ids are plenty for dedup.
INBOX_KEEP = timedelta(days=2)
# Delivery records help an operator answer "did the card go out?" for a week.
OUTBOX_KEEP = timedelta(days=7)
# The shared send budget needs a chat's send times for a minute at most.
BUDGET_KEEP = timedelta(hours=1)
# An unfinished draft holds what the reporter typed; after a month it is kept no longer.
DRAFT_KEEP = timedelta(days=30)


class Janitor:
    """Purges old inbox ids and outbox delivery records every `every` seconds."""

    def __init__(self, db: Database, every: float = 600.0, clock: Clock | None = None) -> None:
        self._db = db
        self._every = every
        self._clock = clock or Clock()

    async def sweep(self) -> tuple[int, int, int]:
        """One pass; returns (inbox rows, outbox rows, conversations) removed."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            ids = await inbox.purge(session, now - INBOX_KEEP)
        async with self._db.transaction() as session:
            sent = await outbox.purge(session, now - OUTBOX_KEEP)
        async with self._db.transaction() as session:
            drafts = await conversations.expire(session, now - DRAFT_KEEP)
        async with self._db.transaction() as session:  # send windows of chats gone quiet
            await budget.purge(session, (now - BUDGET_KEEP).timestamp())
        async with self._db.transaction() as session:  # digest lines already posted
            await digest.purge(session, now - OUTBOX_KEEP)
        async with self._db.transaction() as session:  # too old for /hapus to delete
            await chatlog.purge(session, now)
        async with self._db.transaction() as session:  # abuse limits: no record of who wrote
            await limits.forget_idle(session, now - limits.HOUR)
        if ids or sent or drafts:
            log.info(
                "janitor removed %d inbox ids, %d delivery records and %d old drafts",
                ids,
                sent,
                drafts,
            )
        return ids, sent, drafts

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep until `stop` is set."""
        while not await wait_for_event(stop, self._every):
            try:
                await self.sweep()
            except Exception as exc:
                log.warning("janitor: %s; will try again", type(exc).__name__)
