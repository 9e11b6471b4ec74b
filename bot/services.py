"""Everything the running bot needs, built once from the settings and passed down."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
import tomllib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.commands import publish_commands
from bot.crypto import Keys
from bot.dispatch import Dispatcher
from bot.handler import UpdateHandler
from bot.i18n import Translator
from bot.ingest import InboxWriter, Poller
from bot.janitor import Janitor
from bot.outgoing import Outgoing
from bot.settings import Settings
from bot.updates import ALLOWED_UPDATES
from bot.worker import Worker
from flows.catalog import Catalog, parse_catalog
from flows.intake import IntakeFlow
from storage import outbox
from storage.db import Database, is_sqlite

log = logging.getLogger(__name__)

DEFAULT_CATALOG = Path(__file__).resolve().parent.parent / "flows" / "data" / "intake.toml"


def load_catalog(path: Path | None) -> Catalog:
    """The intake catalog from `path` (CATALOG_FILE) or the shipped default."""
    with (path or DEFAULT_CATALOG).open("rb") as handle:
        return parse_catalog(tomllib.load(handle))


def make_bot(settings: Settings) -> Bot:
    """A PTB Bot used as a plain HTTP client for the Bot API (no Application, no handlers)."""
    token = settings.TELEGRAM_BOT_TOKEN or ""
    api = settings.TELEGRAM_API_URL
    return Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot",
               request=HTTPXRequest(connection_pool_size=32, read_timeout=15),
               get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=40))


@dataclass
class Services:
    """The wired application: database, Bot API client, worker, dispatcher, ingest."""

    settings: Settings
    db: Database
    bot: Bot
    writer: InboxWriter
    workers: list[Worker]
    dispatcher: Dispatcher
    translator: Translator
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings,
              monotonic: Callable[[], float] = time.monotonic) -> Services:
        """Wire everything from `settings` (nothing starts yet); `monotonic` paces sending."""
        settings.require_for_run()
        keys = Keys(settings.DATA_KEY or "")
        db = Database(settings.DATABASE_URL)
        translator = Translator()
        catalog = load_catalog(settings.CATALOG_FILE)
        flow = IntakeFlow(catalog, default_locale=settings.DEFAULT_LOCALE,
                          locales=translator.locales)
        outgoing = Outgoing(keys, translator)
        bot = make_bot(settings)
        dispatcher = Dispatcher(db, bot, outgoing, monotonic=monotonic)
        handler = UpdateHandler(settings, keys, flow, catalog, outgoing)
        writer = InboxWriter(db, keys)
        # SQLite has one writer at a time: one worker. PostgreSQL serves several, each with its
        # own wake-up flag so that one cannot swallow another's.
        workers = [Worker(db, handler, on_commit=dispatcher.wake, flooded=writer.flooded,
                          max_attempts=settings.MAX_ATTEMPTS,
                          default_locale=settings.DEFAULT_LOCALE)
                   for _ in range(1 if is_sqlite(settings.DATABASE_URL) else 4)]

        def wake_workers() -> None:
            for worker in workers:
                worker.wake()

        writer.on_commit = wake_workers
        return cls(settings, db, bot, writer, workers, dispatcher, translator)

    def _spawn(self, name: str, run: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
        self.tasks.append(asyncio.create_task(run(self.stop), name=name))

    async def start(self) -> None:
        """Connect to Telegram, register the webhook or start polling, start the workers."""
        await self.bot.initialize()
        try:
            await publish_commands(self.bot, self.translator, self.settings.DEFAULT_LOCALE)
        except TelegramError as exc:  # a menu is a convenience: never a reason not to start
            log.warning("could not publish the command menu: %s", type(exc).__name__)
        if is_sqlite(self.settings.DATABASE_URL):
            # One process owns a SQLite database, so a lease found now was left by a run that
            # died mid-send (SIGKILL, power cut); kept, it would hold that row's chat, and the
            # staff group's cards, for the whole lease. Sending it again repeats one message.
            async with self.db.transaction() as session:
                released = await outbox.release_leases(session)
            if released:
                log.warning("released %d outbox rows leased by a previous run", released)
        self._spawn("inbox-writer", self.writer.run)
        self._spawn("dispatcher", self.dispatcher.run)
        self._spawn("janitor", Janitor(self.db).run)
        for n, worker in enumerate(self.workers):
            self._spawn(f"worker-{n}", worker.run)
        # Start-up objects (catalogs, PTB, SQLAlchemy) live for the whole run: moving them out
        # of the collector's reach shortens the full collections that otherwise pause everything.
        gc.freeze()
        if self.settings.webhook_mode:
            await self.bot.set_webhook(
                f"{self.settings.PUBLIC_URL}/telegram/webhook",
                secret_token=self.settings.TELEGRAM_WEBHOOK_SECRET,
                allowed_updates=list(ALLOWED_UPDATES), max_connections=40)
            log.info("webhook registered; waiting for updates")
        else:
            await self.bot.delete_webhook()
            self._spawn("poller", Poller(self.bot, self.writer).run)
            log.info("long polling started")

    async def close(self) -> None:
        """Stop the loops, let in-flight work finish briefly, release connections."""
        self.stop.set()
        for worker in self.workers:
            worker.wake()
        self.dispatcher.wake()
        for task in self.tasks:
            # Uvicorn has finished every request before shutdown, so the writer holds nothing;
            # a long poll would otherwise hold shutdown for its whole timeout.
            if task.get_name() in ("poller", "inbox-writer"):
                task.cancel()
        if self.tasks:
            _done, pending = await asyncio.wait(self.tasks, timeout=15)
            for task in pending:
                task.cancel()
        with contextlib.suppress(Exception):
            await self.bot.shutdown()
        await self.db.dispose()
