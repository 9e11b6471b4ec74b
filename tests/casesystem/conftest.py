"""Fixtures for the case-system tests: the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import TOKEN
from tests.fakes import FakeBotApi, run_fake_bot_api


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API on loopback, flood limits on."""
    async with run_fake_bot_api(TOKEN) as api:
        yield api
