"""Everything the running bot needs, built once from the settings and passed down."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from bot.effects.intake import IntakeEffects
from bot.effects.registry import EffectRegistry
from bot.effects.tickets import TicketAnnouncer
from bot.infra.catalog import load_catalog
from bot.infra.clock import Clock
from bot.infra.crypto import Keys
from bot.infra.i18n import Translator
from bot.infra.settings import Settings
from bot.runtime.dispatch import Dispatcher
from bot.runtime.handler import UpdateHandler
from bot.runtime.ingest import InboxWriter
from bot.runtime.janitor import Janitor
from bot.runtime.timers import TimerLoop
from bot.runtime.worker import Worker
from bot.telegram.client import make_bot
from bot.telegram.commands import publish_commands
from bot.telegram.outgoing import Outgoing
from bot.telegram.poller import Poller
from bot.telegram.transport import TelegramTransport
from bot.telegram.updates import ALLOWED_UPDATES
from flows.core import Place, Router, Rule
from flows.intake import IntakeFlow
from storage.db import Database, is_sqlite
from storage.repos import outbox

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The wired application: database, Bot API client, ingest, workers, dispatcher, timers."""

    settings: Settings
    db: Database
    bot: Bot
    writer: InboxWriter
    workers: list[Worker]
    dispatcher: Dispatcher
    timers: TimerLoop
    translator: Translator
    clock: Clock
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        """Wire everything from `settings` (nothing starts yet); `clock` is the one clock."""
        settings.require_for_run()
        clock = clock or Clock()
        keys = Keys(settings.DATA_KEY or "")
        db = Database(settings.DATABASE_URL)
        translator = Translator()
        catalog = load_catalog(settings.CATALOG_FILE)
        outgoing = Outgoing(keys, translator)
        bot = make_bot(settings)
        dispatcher = Dispatcher(db, {"telegram": TelegramTransport(bot)}, outgoing, clock=clock)
        intake = IntakeFlow(
            catalog, default_locale=settings.DEFAULT_LOCALE, locales=translator.locales
        )
        effects = EffectRegistry()
        IntakeEffects(settings, TicketAnnouncer(settings, catalog, outgoing)).register(effects)
        router = Router([Rule(intake.name, Place.PRIVATE)])
        handler = UpdateHandler(
            keys=keys,
            router=router,
            flows={intake.name: intake},
            effects=effects,
            outgoing=outgoing,
            staff_chat_id=settings.STAFF_CHAT_ID,
            default_locale=settings.DEFAULT_LOCALE,
        )
        writer = InboxWriter(db, keys, clock=clock)
        timer_loop = TimerLoop(db, clock=clock, on_commit=dispatcher.wake)
        # SQLite has one writer at a time: one worker. PostgreSQL serves several, each with its
        # own wake-up flag so that one cannot swallow another's.
        workers = [
            Worker(
                db,
                handler,
                on_commit=dispatcher.wake,
                flooded=writer.flooded,
                max_attempts=settings.MAX_ATTEMPTS,
                default_locale=settings.DEFAULT_LOCALE,
                clock=clock,
            )
            for _ in range(1 if is_sqlite(settings.DATABASE_URL) else 4)
        ]

        def wake_workers() -> None:
            for worker in workers:
                worker.wake()

        writer.on_commit = wake_workers
        return cls(settings, db, bot, writer, workers, dispatcher, timer_loop, translator, clock)

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
        self._spawn("timers", self.timers.run)
        self._spawn("janitor", Janitor(self.db, clock=self.clock).run)
        for n, worker in enumerate(self.workers):
            self._spawn(f"worker-{n}", worker.run)
        # Start-up objects (catalogs, PTB, SQLAlchemy) live for the whole run: moving them out
        # of the collector's reach shortens the full collections that otherwise pause everything.
        gc.freeze()
        if self.settings.webhook_mode:
            await self.bot.set_webhook(
                f"{self.settings.PUBLIC_URL}/telegram/webhook",
                secret_token=self.settings.TELEGRAM_WEBHOOK_SECRET,
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=40,
            )
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
        self.timers.wake()
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
