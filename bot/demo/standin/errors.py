"""The stand-in's answer to a call it refuses, shaped like Telegram's."""

from __future__ import annotations

from bot.errors import BotError


class ApiError(BotError):
    """A Bot API error: HTTP status and Telegram's description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
