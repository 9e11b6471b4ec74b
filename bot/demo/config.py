"""The demo's settings: refuse anything that looks like production, then build safe ones.

`lapor-tppo demo` reads the same environment and `.env` as `run`, only to refuse what would
make it talk to the world: a bot token, a PUBLIC_URL, a non-loopback HOST or a database other
than SQLite. Its own settings are built from scratch (SQLite in a throw-away folder, the stand-in
Bot API, a fresh DATA_KEY); a few harmless ones (time zone, language, SLAs, catalog, log level)
are taken over so that trainers and translators can try their own values.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.demo.cast import DEMO_TOKEN, STAFF_CHAT_ID
from bot.errors import BotError, SettingsError
from bot.infra.crypto import new_data_key
from bot.infra.settings import Settings

PASSED_THROUGH = (
    "TIMEZONE",
    "DEFAULT_LOCALE",
    "SLA_URGENT",
    "SLA_CHILD",
    "SLA_NORMAL",
    "CATALOG_FILE",
    "LOG_LEVEL",
    "MAX_ATTEMPTS",
)


class DemoRefused(BotError):
    """The environment looks like production; the message says what to unset."""


class Declared(BaseSettings):
    """What the environment and `.env` say, read by the same rules as `Settings`, unvalidated."""

    model_config = Settings.model_config

    TELEGRAM_BOT_TOKEN: str | None = None
    PUBLIC_URL: str | None = None
    HOST: str | None = None
    DATABASE_URL: str | None = None
    TIMEZONE: str | None = None
    DEFAULT_LOCALE: str | None = None
    SLA_URGENT: str | None = None
    SLA_CHILD: str | None = None
    SLA_NORMAL: str | None = None
    CATALOG_FILE: str | None = None
    LOG_LEVEL: str | None = None
    MAX_ATTEMPTS: str | None = None


class DemoSettings(Settings):
    """Settings built only from what the demo passes: nothing else leaks in from outside."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values given to the constructor."""
        return (init_settings,)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_production(declared: Declared) -> str:
    """The loopback host to bind; raises `DemoRefused` (one line) for production settings."""
    if declared.TELEGRAM_BOT_TOKEN and declared.TELEGRAM_BOT_TOKEN != DEMO_TOKEN:
        raise DemoRefused(
            "TELEGRAM_BOT_TOKEN is set (in the environment or .env): the demo never "
            "talks to Telegram; remove it, or run the demo from a folder without "
            "that .env"
        )
    if declared.PUBLIC_URL:
        raise DemoRefused(
            "PUBLIC_URL is set: the demo must not be reachable from outside; unset it"
        )
    host = declared.HOST or "127.0.0.1"
    if not is_loopback(host):
        raise DemoRefused(
            f"HOST={host} is not a loopback address: the demo listens on 127.0.0.1 only; unset HOST"
        )
    url = declared.DATABASE_URL or ""
    if url and not url.startswith("sqlite"):
        raise DemoRefused(
            "DATABASE_URL is not SQLite: the demo keeps its data in a throw-away "
            "SQLite file; unset DATABASE_URL"
        )
    return host.strip().strip("[]")


def demo_settings(folder: Path, host: str, port: int, api_url: str, declared: Declared) -> Settings:
    """Settings for the demo: its own database, the stand-in, fresh secrets."""
    values: dict[str, Any] = {
        name: getattr(declared, name)
        for name in PASSED_THROUGH
        if getattr(declared, name) is not None
    }
    values |= {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_URL": api_url,
        "STAFF_CHAT_ID": STAFF_CHAT_ID,
        "HOST": host,
        "PORT": port,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'demo.db'}",
        "DATA_KEY": new_data_key(),
    }
    try:
        return DemoSettings(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        raise SettingsError(f"{name} {str(error['msg']).removeprefix('Value error, ')}") from None
