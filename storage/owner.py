"""Who holds a lease: one id per running process, alive exactly as long as the process is.

On PostgreSQL the process holds a session advisory lock keyed by its id on a connection of its
own. The lock is the proof of life: when the process dies, however it dies (SIGKILL, power
cut, lost network), PostgreSQL drops the connection and the lock with it, and every outbox row
leased by that id is free at once for the other processes; no heartbeat and no lease time to
wait out. On SQLite only one process uses the database, so a lease held by any other id was
left by a run that died.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from sqlalchemy import ColumnElement, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


def new_owner_id() -> int:
    """A random positive 62-bit id (it fits an advisory lock key and a BIGINT column)."""
    return secrets.randbits(62) or 1


def live_owners() -> ColumnElement[int]:
    """SQL: the ids whose processes are alive (PostgreSQL: their advisory locks are held)."""
    # pg_advisory_lock(bigint) shows its key split in two 32-bit halves, classid and objid.
    return (
        select(literal_column("((l.classid::bigint << 32) | l.objid::bigint)"))
        .select_from(text("pg_locks AS l"))
        .where(
            text(
                "l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
        )
        .scalar_subquery()
    )


class Owner:
    """This process's lease-owner id, and (on PostgreSQL) the lock that proves it is alive."""

    def __init__(self, engine: AsyncEngine, postgres: bool) -> None:
        self.id = new_owner_id()
        self._engine = engine
        self._postgres = postgres
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    @property
    def held(self) -> bool:
        """Whether others can see that this process is alive (always on SQLite)."""
        return not self._postgres or (self._conn is not None and not self._conn.closed)

    async def hold(self) -> bool:
        """Take (or check and re-take) the lock; False when the database cannot be reached.

        While the lock is lost (the database restarted), other processes may take our leases:
        every finish is conditional on still owning the row, so nothing is recorded twice.
        """
        if not self._postgres:
            return True
        async with self._lock:
            try:
                if self._conn is not None and not self._conn.closed:
                    await self._conn.execute(text("SELECT 1"))
                    await self._conn.commit()  # never sit idle in a transaction
                    return True
            except Exception as exc:
                log.warning(
                    "the lease-owner connection was lost (%s); taking it again", type(exc).__name__
                )
                await self._drop()
            try:
                conn = await self._engine.connect()
                await conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": self.id})
                await conn.commit()  # session-level lock: it outlives the transaction
            except Exception as exc:
                log.warning("could not take the lease-owner lock: %s", type(exc).__name__)
                return False
            self._conn = conn
            return True

    async def _drop(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.invalidate()
            except Exception as exc:  # it is gone either way
                log.debug("closing the lost lease-owner connection: %s", type(exc).__name__)
            self._conn = None

    async def release(self) -> None:
        """Give the lock up (shutdown): our remaining leases are free for others at once."""
        if self._conn is None:
            return
        async with self._lock:
            try:
                await self._conn.execute(text("SELECT pg_advisory_unlock_all()"))
                await self._conn.close()
            except Exception as exc:
                log.debug("releasing the lease-owner lock: %s", type(exc).__name__)
                await self._drop()
            self._conn = None
