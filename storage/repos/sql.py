"""Small SQL helpers every repository shares: the dialect's name and INSERT, row counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


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
