"""Fixtures for the demo's tests: the stand-in Bot API on loopback, driven by PTB's real Bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram import Bot

from bot.demo.cast import DEMO_TOKEN
from bot.demo.run import build_world
from bot.demo.standin.acting import Acting
from bot.demo.standin.http import standin_app
from bot.demo.standin.methods import BotApi
from bot.demo.standin.world import World
from storage.db import upgrade
from tests.fakes import serve_asgi


@dataclass
class StandIn:
    """The stand-in's world, its API, a simulated user's hands and the bot's client."""

    world: World
    api: BotApi
    acting: Acting
    bot: Bot
    url: str


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """The demo's world behind the stand-in, served on a free loopback port."""
    world, api = build_world()
    async with serve_asgi(standin_app(api, DEMO_TOKEN)) as url:
        bot = Bot(DEMO_TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")
        async with bot:
            yield StandIn(world, api, Acting(api), bot, url)


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite database in a temporary folder (the demo runs on SQLite only)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    await asyncio.to_thread(upgrade, url)
    return url
