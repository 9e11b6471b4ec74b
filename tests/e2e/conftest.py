"""Fixtures for end-to-end tests: the fake Bot API, a SQLite database URL, collected logs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.infra.logs import setup_logging
from storage.db import upgrade
from tests.e2e.harness import TOKEN
from tests.fakes import FakeBotApi, run_fake_bot_api


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API on loopback, flood limits on."""
    async with run_fake_bot_api(TOKEN) as api:
        yield api


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite database in a temporary folder."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'lapor.db'}"
    await asyncio.to_thread(upgrade, url)
    return url


class CollectedLogs(logging.Handler):
    """Every log record, formatted as "logger message"."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))


@pytest.fixture
def production_logs() -> Iterator[CollectedLogs]:
    """Logging as `lapor-tppo run` sets it up (our loggers at DEBUG), every line collected."""
    setup_logging("DEBUG")
    handler = CollectedLogs()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)
    setup_logging("WARNING")
