"""Fixtures for the tests of the fake Bot API: a served fake and a real PTB Bot pointed at it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# `tests.fakes` is imported by its package path; make the project root importable even when
# pytest's rootdir-relative sys.path handling only added `tests/` (no `pythonpath` configured).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from telegram import Bot  # noqa: E402

from tests.fakes import FakeBotApi, FakeClock, run_fake_bot_api  # noqa: E402

TOKEN = "123456:TEST-token"


@pytest.fixture
def clock() -> FakeClock:
    """A frozen clock: time moves only when a test advances it."""
    return FakeClock(real_time=False)


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeBotApi]:
    """The fake Bot API served on loopback."""
    async with run_fake_bot_api(TOKEN, clock=clock) as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    """A real PTB Bot talking HTTP to the fake."""
    async with Bot(TOKEN, base_url=fake.api_url, base_file_url=fake.file_url) as ptb_bot:
        yield ptb_bot
