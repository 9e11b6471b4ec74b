"""Vocabulary shared by every flow: events in, translatable replies and effects out.

Flows never import telegram, fastapi, sqlalchemy or babel. A flow describes *what* to say as
`Msg` values (an English msgid plus parameters); `bot/` translates and renders them, escaping
every parameter that came from a user, so HTML safety is enforced in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeAlias, TypeVar

# --- text -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Msg:
    """A translatable message: an English msgid (may hold Telegram HTML) and named parameters."""

    msgid: str
    params: tuple[tuple[str, Text], ...] = ()


@dataclass(frozen=True)
class Raw:
    """Text that is shown as-is after HTML escaping: a user's words, a reference, a number."""

    text: str


@dataclass(frozen=True)
class Join:
    """Several pieces of text shown one after the other, separated by `sep`."""

    parts: tuple[Text, ...]
    sep: str = "\n"


Text: TypeAlias = Msg | Raw | Join


def t(msgid: str, **params: Text | str | int) -> Msg:
    """Mark `msgid` for translation (gettext keyword `t`); plain str/int params become `Raw`."""
    items: list[tuple[str, Text]] = []
    for name, value in sorted(params.items()):
        items.append((name, value if isinstance(value, Msg | Raw | Join) else Raw(str(value))))
    return Msg(msgid, tuple(items))


# --- replies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """An inline button: a translatable label and short, versioned callback data (1-64 bytes)."""

    label: Text
    data: str


Keyboard: TypeAlias = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """A message to the chat the event came from.

    `edit=True` replaces the message whose button produced the event (used for multi-select
    toggles) instead of sending a new one; the adapter falls back to sending when it cannot edit.
    """

    text: Text
    keyboard: Keyboard = ()
    edit: bool = False


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Something that happened, with the time it happened (flows never read the clock)."""

    at: datetime


@dataclass(frozen=True)
class CommandEvent(Event):
    """A slash command such as /start, without the bot suffix; `command` is lower case, no slash."""

    command: str
    args: str = ""


@dataclass(frozen=True)
class TextEvent(Event):
    """Plain text typed by the user."""

    text: str


@dataclass(frozen=True)
class ButtonEvent(Event):
    """An inline button was pressed; `data` is its callback data, which may be forged or stale."""

    data: str


@dataclass(frozen=True)
class MediaEvent(Event):
    """A non-text message: `kind` is sticker, photo, voice, video, document, location, contact..."""

    kind: str


@dataclass(frozen=True)
class ReportFiled(Event):
    """The adapter stored the report produced by `SubmitReport` under this ticket reference."""

    reference: str


# --- effects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """Something the adapter must do besides replying."""


S = TypeVar("S")


@dataclass(frozen=True)
class Transition(Generic[S]):
    """The result of one step: the new state, replies to this chat, effects for the adapter."""

    state: S
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = field(default=())
