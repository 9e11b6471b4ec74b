"""Shared fixtures: real databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, upgrade

PG_SKIP = (
    "TEST_DATABASE_URL is not set: start PostgreSQL and export "
    "TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test (.ci/run does)"
)


def _own_database(url: str, worker: str) -> str:
    """The PostgreSQL database of one pytest-xdist worker, created when missing.

    Tests empty their database, so two workers must never share one: worker `gw1` of
    `.../test` gets `.../test_gw1`.
    """
    import asyncpg  # the driver the app uses; a plain connection, outside any engine

    base = make_url(url)
    mine = base.set(database=f"{base.database}_{worker}")

    async def create() -> None:
        admin = await asyncpg.connect(
            host=base.host,
            port=base.port,
            user=base.username,
            password=base.password,
            database=base.database,
        )
        try:
            exists = await admin.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", mine.database
            )
            if not exists:
                await admin.execute(f'CREATE DATABASE "{mine.database}"')
        finally:
            await admin.close()

    asyncio.run(create())
    return mine.render_as_string(hide_password=False)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, give each worker its own PostgreSQL database and Redis db."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    if url := os.environ.get("TEST_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = _own_database(url, worker)
    if redis := os.environ.get("TEST_REDIS_URL"):
        base, _, db = redis.rpartition("/")
        number = int(db) if db.isdigit() else 0
        os.environ["TEST_REDIS_URL"] = f"{base}/{(number + 1 + int(worker[2:])) % 16}"


async def reset_postgres(url: str) -> None:
    """Empty the test database: these tests own it and run one at a time."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _migrated_postgres() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(PG_SKIP)
    await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "postgresql":
        return await _migrated_postgres()
    url = f"sqlite+aiosqlite:///{tmp_path / 'lapor.db'}"
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture
async def postgres_url() -> str:
    """A migrated, empty PostgreSQL database, for what only PostgreSQL can do (several
    processes sharing one database)."""
    return await _migrated_postgres()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database."""
    eng = create_engine(database_url)
    yield eng
    await eng.dispose()


# `make chaos` runs the fault tests (marked `chaos`) CHAOS_REPEAT times each, at CHAOS_SCALE.
CHAOS_REPEAT = int(os.environ.get("CHAOS_REPEAT", "1"))
CHAOS_SCALE = int(os.environ.get("CHAOS_SCALE", "1"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Repeat chaos tests when asked."""
    if CHAOS_REPEAT > 1 and metafunc.definition.get_closest_marker("chaos"):
        metafunc.fixturenames.append("chaos_round")
        metafunc.parametrize("chaos_round", range(CHAOS_REPEAT))
