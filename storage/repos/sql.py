"""Small SQL helpers the repositories share: the dialect's name and INSERT, row counts, leases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.owner import live_owners


def dialect(session: AsyncSession) -> str:
    """The session's dialect: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT for this database that has `on_conflict_do_nothing` / `_do_update`.

    Both dialects' statements offer the same two methods; the return type is loose because
    SQLAlchemy types them as two unrelated classes.
    """
    return (postgresql.insert if dialect(session) == "postgresql" else sqlite.insert)(table)


def rowcount(result: object) -> int:
    """Rows an UPDATE or DELETE changed (0 when the driver cannot tell)."""
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


def lease_free(session: AsyncSession, model: Any, owner: int, now: datetime) -> ColumnElement[bool]:
    """SQL: a row of `model` (with `lease_owner` and `locked_until`) is not leased by a live
    process, ours included: never leased, its lease ran out, or its owner is gone."""
    expired = and_(model.locked_until.is_not(None), model.locked_until < now)
    dead: ColumnElement[bool]
    if dialect(session) == "postgresql":
        dead = model.lease_owner.not_in(live_owners())
    else:  # one process per SQLite database: any other owner was a run that died
        dead = model.lease_owner != owner
    return or_(model.lease_owner.is_(None), expired, dead)
