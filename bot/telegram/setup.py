"""Connecting to Telegram at start-up: the bot's identity, its menu, and how updates arrive.

Telegram may be down when the service starts (a 502 from setWebhook). The service starts
anyway, since the outbox and the inbox need no Telegram to work and systemd's restart limit
could otherwise leave it stopped for the whole outage, and keeps trying here in the background,
with backoff, logging an ERROR that says what fails. `/readyz` reports it meanwhile.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.infra.i18n import Translator
from bot.infra.settings import Settings, reveal
from bot.runtime.aio import backoff, wait_for_event
from bot.runtime.ingest import InboxWriter
from bot.telegram.commands import publish_commands
from bot.telegram.group import StaffGroup
from bot.telegram.poller import Poller
from bot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)

RETRY_CAP = 60.0  # seconds: the longest wait between two registration tries


class TelegramSetup:
    """Registers the webhook (or prepares long polling), trying again until it succeeds."""

    def __init__(
        self,
        bot: Bot,
        settings: Settings,
        translator: Translator,
        writer: InboxWriter,
        group: StaffGroup,
    ) -> None:
        self._bot = bot
        self._group = group
        self._settings = settings
        self._translator = translator
        self._writer = writer
        self._menu = False
        self.ready = False
        self.problem: str | None = "not connected to Telegram yet"

    async def attempt(self) -> bool:
        """One try at everything still missing; True once updates can arrive."""
        try:
            await self._bot.initialize()  # getMe: the token is checked here
            if not self._menu:
                await self._publish_menu()
                await self._learn_group()
            if self._settings.webhook_mode:
                await self._bot.set_webhook(
                    f"{self._settings.PUBLIC_URL}/telegram/webhook",
                    secret_token=reveal(self._settings.TELEGRAM_WEBHOOK_SECRET),
                    allowed_updates=list(ALLOWED_UPDATES),
                    max_connections=40,
                )
                log.info("webhook registered; waiting for updates")
            else:
                await self._bot.delete_webhook()
        except TelegramError as exc:
            step = "setWebhook" if self._settings.webhook_mode else "deleteWebhook"
            self.problem = f"{step} or getMe failed: {type(exc).__name__}"
            return False
        self.ready, self.problem = True, None
        return True

    async def _publish_menu(self) -> None:
        try:
            await publish_commands(
                self._bot, self._translator, self._settings.DEFAULT_LOCALE, self._group.chat_id
            )
            self._menu = True
        except TelegramError as exc:  # a menu is a convenience: never a reason not to start
            log.warning("could not publish the command menu: %s", type(exc).__name__)

    async def _learn_group(self) -> None:
        """Whether the staff group has forum topics (else learned from its next update)."""
        try:
            self._group.learn(bool((await self._bot.get_chat(self._group.chat_id)).is_forum))
        except TelegramError as exc:
            log.warning("could not read the staff group (topics?): %s", type(exc).__name__)

    async def run(self, stop: asyncio.Event) -> None:
        """Try until connected (the first try was made at start-up), then poll if polling."""
        tries = 1
        while not self.ready:
            pause = max(backoff(tries, cap=RETRY_CAP), 1.0)
            what = "the webhook" if self._settings.webhook_mode else "long polling"
            log.error(
                "could not set up %s with Telegram (%s); updates cannot arrive until it "
                "works: check TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL and the network; "
                "trying again in %.0f s",
                what,
                self.problem,
                pause,
            )
            if await wait_for_event(stop, pause):
                return
            tries += 1
            await self.attempt()
        if tries > 1:
            log.warning("connected to Telegram after %d tries", tries)
        if not self._settings.webhook_mode:
            log.info("long polling started")
            await Poller(self._bot, self._writer).run(stop)
