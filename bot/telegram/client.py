"""The Bot API client: PTB's `Bot` used as a plain HTTP client (no Application, no handlers)."""

from __future__ import annotations

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.infra.settings import Settings


def make_bot(settings: Settings) -> Bot:
    """A Bot for `TELEGRAM_API_URL` with a pool sized for the dispatcher's concurrency."""
    token = settings.TELEGRAM_BOT_TOKEN or ""
    api = settings.TELEGRAM_API_URL
    return Bot(
        token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(connection_pool_size=32, read_timeout=15),
        get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=40),
    )
