"""Shared fixtures: real databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, upgrade

PG_SKIP = (
    "TEST_DATABASE_URL is not set: start PostgreSQL and export "
    "TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test (.ci/run does)"
)


async def reset_postgres(url: str) -> None:
    """Empty the test database: these tests own it and run one at a time."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'lapor.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url:
            pytest.skip(PG_SKIP)
        await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database."""
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()
