"""Engine and session factories, SQLite durability pragmas, and Alembic migrations."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.owner import Owner
from storage.sealing import SEALER, Sealer

_MIGRATIONS = Path(__file__).parent / "migrations"


def is_sqlite(url: str) -> bool:
    """True for a SQLite URL."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE below is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside the writer; FULL fsyncs every commit, because an update we
        # acknowledged to Telegram must survive a power cut; secure_delete overwrites erased
        # payloads so identities do not linger in free pages of the file.
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "busy_timeout=10000",
            "foreign_keys=ON",
            "secure_delete=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Taking the write lock up front avoids SQLITE_BUSY deadlocks on read-then-write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url` with our SQLite pragmas, or a pooled asyncpg engine."""
    if is_sqlite(url):
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("hide_parameters", True)  # errors never quote what was written
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def session_factory(
    engine: AsyncEngine, sealer: Sealer | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (we hand out dataclasses anyway);
    `sealer` (the key ring) travels with each session for the content columns."""
    info = {SEALER: sealer} if sealer is not None else {}
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and `url`, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply pending migrations (synchronous: call it outside an event loop or in a thread)."""
    command.upgrade(alembic_config(url), revision)


class WriteGate:
    """Turns for writers in one process, so SQLite's lock is never fought over in its busy loop.

    SQLite lets one writer at a time; a blocked connection sleeps in growing steps (up to 100 ms)
    before trying again. Queuing writers here instead hands the lock over the moment it is free.
    `urgent` writers (storing incoming updates, which Telegram waits on) go first, but a normal
    writer that has waited `patience` seconds goes next. On PostgreSQL it does nothing.
    Releasing never awaits, so a cancelled holder or waiter cannot wedge the gate.
    """

    def __init__(self, enabled: bool, patience: float = 0.1) -> None:
        self._enabled = enabled
        self._patience = patience
        self._busy = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[tuple[float, asyncio.Future[None]]] = deque()

    @contextlib.asynccontextmanager
    async def turn(self, urgent: bool = False) -> AsyncIterator[None]:
        """Hold the write turn for the duration of the block."""
        if not self._enabled:
            yield
            return
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if not self._busy and not self._urgent and not self._normal:
            self._busy = True
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if urgent:
            self._urgent.append(future)
        else:
            self._normal.append((loop.time(), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # the turn was handed to us just as we were cancelled
            raise

    def _release(self) -> None:
        """Hand the turn to the next live waiter, or mark the gate free."""
        now = asyncio.get_running_loop().time()
        while True:
            if self._normal and (not self._urgent or now - self._normal[0][0] >= self._patience):
                future = self._normal.popleft()[1]
            elif self._urgent:
                future = self._urgent.popleft()
            else:
                self._busy = False
                return
            if not future.done():  # skip waiters that were cancelled meanwhile
                future.set_result(None)
                return


class Database:
    """The engine, its sessions, and the write gate: one per process, passed down."""

    def __init__(self, url: str, sealer: Sealer | None = None, **kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **kwargs)
        self.sessions = session_factory(self.engine, sealer)
        self.gate = WriteGate(enabled=is_sqlite(url))
        # Who leases outbox rows on behalf of this process (see storage.owner).
        self.owner = Owner(self.engine, postgres=not is_sqlite(url))

    @contextlib.asynccontextmanager
    async def transaction(self, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction, committed at the end of the block."""
        async with self.gate.turn(urgent), self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Release the lease-owner lock, close every connection."""
        await self.owner.release()
        await self.engine.dispose()
