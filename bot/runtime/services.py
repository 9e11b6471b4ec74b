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

from bot.casesystem.dispatcher import CaseDispatcher
from bot.casesystem.inbound import CaseInbound
from bot.casesystem.parts import CaseLinkParts
from bot.effects.abuse import AbuseLimiter
from bot.effects.followup import Followup
from bot.effects.intake import IntakeEffects
from bot.effects.registry import EffectRegistry
from bot.effects.retention import Retention, retention_timer
from bot.effects.sla import Escalation
from bot.effects.staff import StaffEffects
from bot.effects.tickets import TicketAnnouncer
from bot.effects.triage import TicketEffects
from bot.effects.wipe import ChatWipe
from bot.infra.catalog import load_catalog
from bot.infra.clock import Clock
from bot.infra.crypto import Keys
from bot.infra.i18n import Translator
from bot.infra.settings import Settings, reveal
from bot.metrics import Metrics
from bot.metrics.case import case_source
from bot.metrics.scrape import Source
from bot.runtime.aio import wait_for_event
from bot.runtime.dispatch import Dispatcher
from bot.runtime.handler import UpdateHandler
from bot.runtime.ingest import InboxWriter
from bot.runtime.janitor import Janitor
from bot.runtime.timers import TimerLoop
from bot.runtime.worker import Worker
from bot.telegram.client import make_bot
from bot.telegram.delivery.budget import DatabaseBudget, RedisBudget, SendBudget, shared_clock
from bot.telegram.delivery.evidence import EvidenceSender, evidence_lane
from bot.telegram.delivery.transport import TelegramTransport
from bot.telegram.group import StaffGroup
from bot.telegram.outgoing import Outgoing
from bot.telegram.setup import TelegramSetup
from flows.core import Place, Router, Rule
from flows.intake import IntakeFlow
from flows.triage import TriageFlow
from flows.triage.render.text import NOT_STAFF
from storage.db import Database, is_sqlite
from storage.repos.pipeline import budget, outbox, timers
from storage.repos.triage import staff

log = logging.getLogger(__name__)

OWNER_CHECK = 5.0  # seconds between checks that the lease-owner lock is still held
READY_WRITE_TIMEOUT = 3.0  # seconds a readiness check waits for its test write
# A message waiting longer than this (3 minutes) means delivery is stuck: Telegram refuses,
# the staff group is unreachable, or nothing sends. Bursts drain well within it.
READY_OUTBOX_AGE = 180.0


def shared_budget(settings: Settings, db: Database, clock: Clock) -> SendBudget | None:
    """The send budget every process shares, or None when this process is the only one."""
    now = shared_clock(clock.monotonic)
    if settings.REDIS_URL is not None:
        bot_id = reveal(settings.TELEGRAM_BOT_TOKEN).split(":", 1)[0]  # public, unlike the rest
        return RedisBudget.from_url(settings.REDIS_URL, f"lapor:{bot_id}:budget:", now)
    if is_sqlite(settings.DATABASE_URL):
        return None  # one process per SQLite database: its own limits are the whole truth
    return DatabaseBudget(db, now)


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
    telegram: TelegramSetup
    group: StaffGroup
    budget: SendBudget | None = None
    case_dispatcher: CaseDispatcher | None = None  # set when CASE_WEBHOOK_URL is
    case_inbound: CaseInbound | None = None  # set when CASE_INBOUND_SECRET is
    metrics: Metrics = field(default_factory=Metrics)
    # Families read from the database at each scrape, beside the pipeline's and the tickets'.
    metric_sources: list[Source] = field(default_factory=lambda: [case_source])
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        """Wire everything from `settings` (nothing starts yet); `clock` is the one clock."""
        settings.require_for_run()
        clock = clock or Clock()
        metrics = Metrics()  # this app's own registry: never the process-wide default
        keys = Keys(reveal(settings.DATA_KEY), settings.old_data_keys())
        db = Database(settings.DATABASE_URL, sealer=keys)
        translator = Translator()
        catalog = load_catalog(settings.CATALOG_FILE)
        outgoing = Outgoing(keys, translator)
        bot = make_bot(settings)
        budget = shared_budget(settings, db, clock)
        group_key = keys.identity_key(settings.STAFF_CHAT_ID or 0)
        transport = TelegramTransport(
            bot,
            budget=budget,
            evidence=EvidenceSender(bot, db, clock),
            lanes={evidence_lane(group_key): group_key},
            on_throttled=metrics.throttled.inc,
        )
        dispatcher = Dispatcher(db, {"telegram": transport}, outgoing, clock=clock, metrics=metrics)
        intake = IntakeFlow(
            catalog, default_locale=settings.DEFAULT_LOCALE, locales=translator.locales
        )
        group = StaffGroup(settings.STAFF_CHAT_ID or 0)
        triage = TriageFlow(catalog, settings.zone, settings.DEFAULT_LOCALE, group.link)
        announcer = TicketAnnouncer(settings, catalog, outgoing, group)
        effects = EffectRegistry()
        case_events = CaseLinkParts.events_for(settings, keys)
        followup = Followup(
            keys, outgoing, announcer, group, settings.DEFAULT_LOCALE, case_events=case_events
        )
        followup.register(effects)
        limiter = AbuseLimiter(outgoing)
        IntakeEffects(settings, announcer, followup, ChatWipe(outgoing), limiter).register(effects)
        TicketEffects(settings, catalog, outgoing, announcer, group, followup).register(effects)
        staff_effects = StaffEffects(settings, group)
        staff_effects.register(effects)
        retention = Retention(settings.RETENTION_DAYS)
        retention.register_effects(effects)
        # Staff act in their group, and privately with staff commands; everything else in a
        # private chat is a report (staff may report too). Strangers in the group are ignored.
        router = Router(
            [
                Rule(triage.name, Place.STAFF_GROUP, staff_only=True),
                Rule(triage.name, Place.PRIVATE, staff_only=True, accepts=triage.accepts_private),
                Rule(intake.name, Place.PRIVATE),
            ]
        )
        handler = UpdateHandler(
            keys=keys,
            router=router,
            flows={intake.name: intake, triage.name: triage},
            effects=effects,
            outgoing=outgoing,
            staff_chat_id=settings.STAFF_CHAT_ID,
            default_locale=settings.DEFAULT_LOCALE,
            is_staff=staff.is_staff,
            enrich={triage.name: staff_effects.staff_event},
            refuse_press=NOT_STAFF,
            priority_flows=frozenset({triage.name}),
            limiter=limiter,
            limited_flows=frozenset({intake.name}),
        )
        writer = InboxWriter(db, keys, clock=clock, outgoing=outgoing, metrics=metrics)
        timer_loop = TimerLoop(db, clock=clock, on_commit=dispatcher.wake)
        Escalation(announcer, catalog, outgoing, settings.DEFAULT_LOCALE, settings.zone).register(
            timer_loop
        )
        case = CaseLinkParts.build(
            settings,
            db,
            keys,
            clock,
            outgoing,
            announcer,
            dispatcher.wake,
            events=case_events,
            reporter=followup,
        )
        retention.register_timers(timer_loop)
        # SQLite has one writer at a time: one worker. PostgreSQL serves several, each with its
        # own wake-up flag so that one cannot swallow another's.
        workers = [
            Worker(
                db,
                handler,
                on_commit=case.woken_with(dispatcher.wake),
                flooded=writer.flooded,
                max_attempts=settings.MAX_ATTEMPTS,
                default_locale=settings.DEFAULT_LOCALE,
                clock=clock,
                after=case.events.touched if case.events.enabled else None,
                metrics=metrics,
            )
            for _ in range(1 if is_sqlite(settings.DATABASE_URL) else 4)
        ]

        def wake_workers() -> None:
            for worker in workers:
                worker.wake()
            dispatcher.wake()  # a pressed button's answer may have been queued

        writer.on_commit = wake_workers
        telegram = TelegramSetup(bot, settings, translator, writer, group)
        return cls(
            settings,
            db,
            bot,
            writer,
            workers,
            dispatcher,
            timer_loop,
            translator,
            clock,
            telegram,
            group,
            budget,
            case.dispatcher,
            case.inbound,
            metrics,
        )

    def _spawn(self, name: str, run: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
        self.tasks.append(asyncio.create_task(run(self.stop), name=name))

    async def _schedule_retention(self) -> None:
        """Today's retention sweep, once (its key names the day); it schedules the next."""
        now = self.clock.now()
        try:
            async with self.db.transaction() as session:
                await timers.schedule(session, [retention_timer(now)], now)
        except Exception as exc:  # the database is down: the next start schedules it
            log.error("retention sweep not scheduled: %s", type(exc).__name__)

    async def start(self) -> None:
        """Start the workers, connect to Telegram (in the background if it fails at first)."""
        # Outbox leases are held in this process's name; on PostgreSQL a lock proves it alive
        # (storage.owner). Leases left by a run that died are free: sending one again repeats
        # one message, never loses it.
        if not await self.db.owner.hold():
            log.error("the database does not answer: nothing is sent until it does")
        await self._schedule_retention()
        self._spawn("lease-owner", self._keep_owner)
        self._spawn("inbox-writer", self.writer.run)
        self._spawn("dispatcher", self.dispatcher.run)
        self._spawn("timers", self.timers.run)
        if self.case_dispatcher is not None:
            self._spawn("case-dispatcher", self.case_dispatcher.run)
        self._spawn("janitor", Janitor(self.db, clock=self.clock).run)
        for n, worker in enumerate(self.workers):
            self._spawn(f"worker-{n}", worker.run)
        # Start-up objects (catalogs, PTB, SQLAlchemy) live for the whole run: moving them out
        # of the collector's reach shortens the full collections that otherwise pause everything.
        gc.freeze()
        # One try now, so that a healthy start is ready when start() returns; the rest (and
        # polling) in the background, so that a Telegram outage never stops the service.
        await self.telegram.attempt()
        if not (self.telegram.ready and self.settings.webhook_mode):
            self._spawn("telegram", self.telegram.run)

    async def problems(self) -> list[str]:
        """What keeps the service from doing its job now (empty: ready), for /readyz."""
        found: list[str] = []
        try:
            async with asyncio.timeout(READY_WRITE_TIMEOUT):
                async with self.db.transaction(urgent=True) as session:
                    await budget.touch(session, "readiness", self.clock.now().timestamp())
                async with self.db.sessions() as session:
                    oldest = await outbox.oldest_pending(session)
        except Exception as exc:
            return [f"the database refuses writes ({type(exc).__name__})"]
        if oldest is not None:
            waiting = (self.clock.now() - oldest).total_seconds()
            if waiting > READY_OUTBOX_AGE:
                found.append(f"the oldest outgoing message has waited {waiting:.0f} s")
        if self.telegram.problem is not None:
            found.append(f"Telegram: {self.telegram.problem}")
        if not self.db.owner.held:
            found.append("the lease-owner lock is not held")
        return found

    async def _keep_owner(self, stop: asyncio.Event) -> None:
        """Check the lease-owner lock now and then, and take it again if it was lost."""
        while not await wait_for_event(stop, OWNER_CHECK if self.db.owner.held else 1.0):
            await self.db.owner.hold()

    async def close(self) -> None:
        """Stop the loops, let in-flight work finish briefly, release connections."""
        self.stop.set()
        for worker in self.workers:
            worker.wake()
        self.dispatcher.wake()
        self.timers.wake()
        if self.case_dispatcher is not None:
            self.case_dispatcher.wake()
        for task in self.tasks:
            # Uvicorn has finished every request before shutdown, so the writer holds nothing;
            # a long poll would otherwise hold shutdown for its whole timeout.
            if task.get_name() in ("telegram", "inbox-writer"):
                task.cancel()
        if self.tasks:
            _done, pending = await asyncio.wait(self.tasks, timeout=15)
            for task in pending:
                task.cancel()
        with contextlib.suppress(Exception):
            await self.bot.shutdown()
        if self.budget is not None:
            with contextlib.suppress(Exception):
                await self.budget.close()
        await self.db.dispose()
