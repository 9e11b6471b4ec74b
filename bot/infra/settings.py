"""Settings from environment variables (and `.env`), validated once at start-up and passed down."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import SettingsError

_DURATION = re.compile(r"^\s*(\d+)\s*([smh])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600}
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def parse_duration(value: Any) -> timedelta:
    """Parse `30s`, `5m` or `2h` into a timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match or int(match.group(1)) == 0:
        raise ValueError("use a positive number followed by s, m or h, e.g. 30s, 5m, 2h")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def reveal(secret: SecretStr | None) -> str:
    """The plain value of a secret setting ("" when unset), for the one place that uses it."""
    return secret.get_secret_value() if secret is not None else ""


def _check_data_key(value: SecretStr | None) -> SecretStr | None:
    if value is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(value.get_secret_value().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ValueError("must be url-safe base64; run `lapor-tppo keygen`") from exc
    if len(raw) < 32:
        raise ValueError("must hold at least 32 bytes; run `lapor-tppo keygen`")
    return value


def _check_standard_webhook_secret(value: SecretStr | None) -> SecretStr | None:
    """`whsec_` and base64, as Standard Webhooks secrets are written."""
    if value is None:
        return None
    text = value.get_secret_value()
    try:
        raw = base64.b64decode(text.removeprefix("whsec_").encode("ascii") + b"==")
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ValueError("must be whsec_ followed by base64; run `lapor-tppo keygen`") from exc
    if not text.startswith("whsec_") or not raw:
        raise ValueError("must be whsec_ followed by base64; run `lapor-tppo keygen`")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
WebhookSecret = Annotated[SecretStr | None, AfterValidator(_check_standard_webhook_secret)]
DataKey = Annotated[SecretStr | None, AfterValidator(_check_data_key)]

# How to fix each setting, for the one-line error `run` prints.
_FIXES = {
    "TELEGRAM_BOT_TOKEN": "create a bot with @BotFather and set TELEGRAM_BOT_TOKEN=123456:ABC... "
    "in .env",
    "STAFF_CHAT_ID": "add the bot to the task force's private group and set STAFF_CHAT_ID=-100... "
    "(the group's id) in .env",
    "DATA_KEY": "run `lapor-tppo keygen` and copy DATA_KEY=... into .env",
    "TELEGRAM_WEBHOOK_SECRET": "run `lapor-tppo keygen` and copy TELEGRAM_WEBHOOK_SECRET=... "
    "into .env",
    "DATABASE_URL": "use sqlite+aiosqlite:///./var/lapor.db or postgresql+asyncpg://user@host/db",
    "TIMEZONE": "use an IANA name such as Asia/Makassar",
    "REDIS_URL": "use redis://host:6379/0, or unset it to keep the send budget in the database",
}


def _check_old_keys(value: SecretStr | None) -> SecretStr | None:
    for key in value.get_secret_value().split(",") if value is not None else []:
        if key.strip():
            _check_data_key(SecretStr(key.strip()))
    return value


OldKeys = Annotated[SecretStr | None, AfterValidator(_check_old_keys)]


class Settings(BaseSettings):
    """Every setting of Lapor TPPO; names are the environment variables (DESIGN.md §2)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=True,
        env_ignore_empty=True,
        frozen=True,
    )

    # Secrets are SecretStr: a repr, a log line or a traceback shows "**********".
    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_URL: str = "https://api.telegram.org"
    STAFF_CHAT_ID: int | None = None
    # Not a SecretStr (it is read in many places) but kept out of repr: it may hold a password.
    DATABASE_URL: str = Field("sqlite+aiosqlite:///./var/lapor.db", repr=False)
    # Set: the send budget lives in Redis (redis://host:6379/0) instead of the database.
    REDIS_URL: str | None = Field(None, repr=False)
    HOST: str = "127.0.0.1"
    PORT: int = 8080
    PUBLIC_URL: str | None = None
    TELEGRAM_WEBHOOK_SECRET: SecretStr | None = None
    DATA_KEY: DataKey = None
    # Previous DATA_KEYs, comma-separated, newest first: still read while `rotate-key` runs.
    DATA_KEYS_OLD: OldKeys = None
    CASE_WEBHOOK_URL: str | None = None
    CASE_WEBHOOK_SECRET: WebhookSecret = None
    CASE_INBOUND_SECRET: WebhookSecret = None
    TIMEZONE: str = "Asia/Makassar"
    DEFAULT_LOCALE: str = "id"
    SLA_URGENT: Duration = timedelta(minutes=5)
    SLA_CHILD: Duration = timedelta(minutes=15)
    SLA_NORMAL: Duration = timedelta(minutes=60)
    # Extensions to DESIGN.md §2, documented in the README.
    CATALOG_FILE: Path | None = None
    LOG_LEVEL: str = "INFO"
    MAX_ATTEMPTS: int = 5
    RETENTION_DAYS: int = Field(90, ge=1)
    # Set: /metrics answers only `Authorization: Bearer <token>` (ticket counts are sensitive).
    METRICS_TOKEN: SecretStr | None = None

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("TELEGRAM_WEBHOOK_SECRET")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("REDIS_URL")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("TIMEZONE")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not a known time zone") from exc
        return value

    @field_validator("DEFAULT_LOCALE")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in ("id", "en", "ms"):
            raise ValueError("must be id, en or ms")
        return value

    @field_validator("PUBLIC_URL", "TELEGRAM_API_URL", "CASE_WEBHOOK_URL")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/") if value else value

    @property
    def webhook_mode(self) -> bool:
        """True when Telegram pushes updates to us (PUBLIC_URL set), False for long polling."""
        return self.PUBLIC_URL is not None

    def old_data_keys(self) -> list[str]:
        """The previous DATA_KEYs from DATA_KEYS_OLD, newest first."""
        return [k.strip() for k in reveal(self.DATA_KEYS_OLD).split(",") if k.strip()]

    @property
    def zone(self) -> ZoneInfo:
        """The operator's time zone."""
        return ZoneInfo(self.TIMEZONE)

    def require_for_run(self) -> None:
        """Raise `SettingsError` for the first setting `run` needs that is missing."""
        needed = ["TELEGRAM_BOT_TOKEN", "STAFF_CHAT_ID", "DATA_KEY"]
        if self.webhook_mode:
            needed.append("TELEGRAM_WEBHOOK_SECRET")
        for name in needed:
            if getattr(self, name) is None:
                raise SettingsError(f"{name} is not set: {_FIXES[name]}")


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once; a bad value raises `SettingsError` with one line naming it."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        reason = str(error["msg"]).removeprefix("Value error, ")
        fix = _FIXES.get(name)
        raise SettingsError(f"{name} {reason}" + (f": {fix}" if fix else "")) from None
