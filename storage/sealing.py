"""Content at rest: its columns hold sealed envelopes only (AES-GCM, see bot.infra.crypto).

Storage does not hold keys: the process hands its key ring to `Database(sealer=...)` and every
session carries it in `session.info`, so that repositories seal and open where they read and
write. A sealed JSON value is stored as `{"sealed": "<base64 envelope>"}`; a value without that
key is plaintext from before this format, read as it is and sealed on its next write (or by
`lapor-tppo rotate-key`).
"""

from __future__ import annotations

import base64
import json
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import StorageError

SEALER = "sealer"
SEALED = "sealed"
TEXT_PREFIX = "sealed:"


class Sealer(Protocol):
    """What storage needs of the key ring."""

    def seal(self, data: bytes, context: bytes = b"") -> bytes:
        """Encrypt `data` bound to `context`."""
        ...

    def open(self, token: bytes, context: bytes = b"") -> bytes:
        """Decrypt what `seal` produced with the same `context`."""
        ...

    def is_current(self, token: bytes) -> bool:
        """True when `token` is sealed under the current key."""
        ...


class NoSealer(StorageError):
    """A session without a key ring tried to read or write content."""


class Unreadable(StorageError):
    """A sealed value did not open: its key is not in the ring, or it was tampered with."""


def _decode(stored: str) -> bytes:
    try:
        return base64.b64decode(stored, validate=True)
    except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
        raise Unreadable("not base64") from exc


def _open(session: AsyncSession, token: bytes, ctx: bytes) -> bytes:
    try:
        return sealer_of(session).open(token, ctx)
    except NoSealer:
        raise
    except Exception as exc:  # the key ring's own error type lives outside storage
        raise Unreadable(type(exc).__name__) from exc


def sealer_of(session: AsyncSession) -> Sealer:
    """The key ring carried by `session` (set by `Database(sealer=...)`)."""
    sealer = session.info.get(SEALER)
    if sealer is None:
        raise NoSealer("this session has no sealer: build Database(url, sealer=keys)")
    return sealer  # type: ignore[no-any-return]


def context(table: str, row_key: str) -> bytes:
    """Associated data binding a value to its row: the table and a key fixed at insert."""
    return f"{table}:{row_key}".encode()


def seal_json(session: AsyncSession, table: str, row_key: str, value: Any) -> dict[str, str]:
    """`value` as the sealed JSON stored in a content column."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    token = sealer_of(session).seal(data, context(table, row_key))
    return {SEALED: base64.b64encode(token).decode("ascii")}


def is_sealed(stored: Any) -> bool:
    """True when `stored` (a JSON column's value) is a sealed envelope."""
    return isinstance(stored, dict) and set(stored) == {SEALED}


def open_json(session: AsyncSession, table: str, row_key: str, stored: Any) -> Any:
    """The value behind `stored`; plaintext from before sealing passes through."""
    if not is_sealed(stored):
        return stored
    token = _decode(stored[SEALED])
    return json.loads(_open(session, token, context(table, row_key)))


def needs_reseal(session: AsyncSession, stored: Any) -> bool:
    """True when `stored` is plaintext or sealed under a key other than the current one."""
    if stored is None:
        return False
    if not is_sealed(stored):
        return True
    try:
        return not sealer_of(session).is_current(_decode(stored[SEALED]))
    except Unreadable:
        return True


def seal_text(session: AsyncSession, table: str, row_key: str, text: str) -> str:
    """`text` sealed, as `sealed:` and base64 for a text column."""
    token = sealer_of(session).seal(text.encode(), context(table, row_key))
    return TEXT_PREFIX + base64.b64encode(token).decode("ascii")


def open_text(session: AsyncSession, table: str, row_key: str, stored: str) -> str:
    """The text behind `stored` (see `seal_text`); plaintext from before sealing passes through."""
    if not stored.startswith(TEXT_PREFIX):
        return stored
    token = _decode(stored[len(TEXT_PREFIX) :])
    return _open(session, token, context(table, row_key)).decode()


def text_needs_reseal(session: AsyncSession, stored: str | None) -> bool:
    """True when a text column's `stored` value is plaintext or under an old key."""
    if not stored:
        return False
    if not stored.startswith(TEXT_PREFIX):
        return True
    try:
        return not sealer_of(session).is_current(_decode(stored[len(TEXT_PREFIX) :]))
    except Unreadable:
        return True
