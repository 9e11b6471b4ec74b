"""Errors raised by the adapter layer."""


class BotError(Exception):
    """Base class for errors in `bot`."""


class SettingsError(BotError):
    """A setting is missing or malformed; the message is one line naming the variable and fix."""
