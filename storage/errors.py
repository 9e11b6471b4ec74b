"""Errors raised by storage."""


class StorageError(Exception):
    """Base class for storage errors."""


class DatabaseUnavailable(StorageError):
    """The database did not answer; callers answer 503 or retry later."""
