"""What a flow answers: messages with inline buttons, channel-neutral."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from flows.core.text import Text


@dataclass(frozen=True)
class Button:
    """An inline button: a translatable label and short, versioned callback data (1-64 bytes);
    or, with `url`, a link the app opens (its `data` is then unused)."""

    label: Text
    data: str
    url: str | None = None


Keyboard: TypeAlias = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """A message to the chat the event came from.

    `edit=True` replaces the message whose button produced the event (used for multi-select
    toggles) instead of sending a new one; the adapter falls back to sending when it cannot edit.
    `toast=True` is a short notice for the one who pressed a button, shown to them alone (a
    pop-up) rather than posted to the chat; without a pressed button it is sent as a message.
    `force_reply=True` asks for a typed answer: the person's app opens a reply to this message.
    """

    text: Text
    keyboard: Keyboard = ()
    edit: bool = False
    toast: bool = False
    force_reply: bool = False
