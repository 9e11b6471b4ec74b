"""Keyboard layout helpers shared by the questions and the review."""

from __future__ import annotations

from collections.abc import Sequence

from flows.core import Button, Keyboard
from flows.intake import callbacks as cb
from flows.intake import text as txt

STOP = Button(txt.STOP, cb.encode(cb.STOP, "stop"))


def rows(buttons: Sequence[Button], columns: int) -> Keyboard:
    """Buttons laid out `columns` to a row."""
    return tuple(tuple(buttons[i:i + columns]) for i in range(0, len(buttons), columns))


def stop_row() -> tuple[Button, ...]:
    """A row with only the Stop button: it never shares a row, so a slip cannot hit it."""
    return (STOP,)
