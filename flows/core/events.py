"""Events: something that happened, with the time it happened (flows never read the clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    """Something that happened at `at`."""

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
