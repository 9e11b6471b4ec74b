"""Errors raised by storage."""

from __future__ import annotations

from asyncpg.exceptions import DataError as PgDataError
from asyncpg.exceptions import IntegrityConstraintViolationError
from sqlalchemy.exc import DataError, IntegrityError

_DATA_ERRORS = (
    DataError,
    IntegrityError,
    PgDataError,
    IntegrityConstraintViolationError,
    OverflowError,
    ValueError,
    TypeError,
)


class StorageError(Exception):
    """Base class for storage errors."""


class DatabaseUnavailable(StorageError):
    """The database did not take a write; callers answer 503 or retry later.

    `data_error`: what was written was refused (a value out of range), not the database itself
    failing; the same write without that row would succeed.
    """

    def __init__(self, message: str, *, data_error: bool = False) -> None:
        super().__init__(message)
        self.data_error = data_error


def is_data_error(exc: BaseException) -> bool:
    """True when `exc` blames the values written rather than the database or the connection.

    Drivers wrap their errors (SQLAlchemy around asyncpg around PostgreSQL), so the whole
    chain of causes is asked.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _DATA_ERRORS):
            return True
        seen.add(id(current))
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False
