"""What differs between SQLite and PostgreSQL in the repositories' SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def name(session: AsyncSession) -> str:
    """The session's dialect: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT for this database that has `on_conflict_do_nothing` / `_do_update`.

    Both dialects' statements offer the same two methods; the return type is loose because
    SQLAlchemy types them as two unrelated classes.
    """
    return (postgresql.insert if name(session) == "postgresql" else sqlite.insert)(table)
