"""Events: something that happened, with the time it happened (flows never read the clock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Event:
    """Something that happened at `at`; `language` is the sender's client language, if known."""

    at: datetime
    # A hint only (e.g. to offer a language on the first screen); keyword-only so that every
    # subclass keeps its positional fields.
    language: str | None = field(default=None, kw_only=True)


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
    """A non-text message: `kind` is sticker, photo, voice, video, document, location, contact...

    For what can be kept: Telegram's file handles (never logged), the album it belongs to, the
    coordinates of a location, and a caption typed with it.
    """

    kind: str
    file_id: str | None = None
    file_unique_id: str | None = None
    media_group_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    caption: str | None = None
    file_size: int | None = None  # bytes, as Telegram reports it (may be missing)
    mime_type: str | None = None  # of a document, voice note, video... as Telegram reports it
