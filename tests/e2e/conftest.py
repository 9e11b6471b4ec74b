"""Fixtures for end-to-end tests: the fake Bot API and a SQLite database URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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
