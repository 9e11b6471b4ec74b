"""Abuse limits for reporters: about one message a second with short bursts, five new reports
an hour, and one kind notice when a limit is hit (not one per dropped message).

The state lives in the database under the reporter's HMAC pseudonym (storage.repos.pipeline.
limits), so every worker process shares it; the worker handles one chat at a time, so one
flooding reporter only ever spends their own turns and never slows another chat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.telegram.outgoing import Outgoing
from bot.telegram.updates import Inbound
from flows.core import ButtonEvent, CommandEvent, Reply, t
from storage.repos.pipeline import limits
from storage.repos.pipeline.limits import Limits, Verdict
from storage.repos.pipeline.outbox import NewMessage

TOO_FAST = t(
    "You are sending messages very fast, so some of the last ones were not kept. "
    "Please wait a moment, then send the rest one by one.\n"
    "If you or someone else is in danger now, call the police at 110."
)
TOO_MANY_REPORTS = t(
    "You have already sent several reports in the last hour, so this one was not sent yet. "
    "Your answers are kept: please press Send again in a while.\n"
    "If you or someone else is in danger now, call the police at 110."
)
# Stopping and erasing always work, however fast someone writes (a phone may be taken).
EXEMPT_COMMANDS = frozenset({"batal", "cancel", "hapus", "delete"})


class AbuseLimiter:
    """Decides whether a reporter's message is stepped, and words the notice when not."""

    def __init__(self, outgoing: Outgoing, config: Limits | None = None) -> None:
        self._out = outgoing
        self._limits = config or Limits()

    @property
    def limits(self) -> Limits:
        """The limits in force."""
        return self._limits

    async def admit(
        self, session: AsyncSession, key: str, inbound: Inbound, at: datetime, locale: str
    ) -> list[NewMessage] | None:
        """None when the message may be handled; otherwise what to send instead (maybe nothing).

        `at` is when the update arrived (not when it is handled), so that a backlog after an
        outage is not mistaken for a flood. Button presses are not counted: they only answer
        the bot's own questions and are acknowledged on arrival anyway.
        """
        event = inbound.event
        if isinstance(event, ButtonEvent):
            return None
        if isinstance(event, CommandEvent) and event.command in EXEMPT_COMMANDS:
            return None
        verdict = await limits.take_message(session, key, at, self._limits)
        if verdict is Verdict.ADMIT:
            return None
        if verdict is Verdict.DROP:
            return []
        return [self._out.reply(inbound.chat_id, Reply(TOO_FAST), locale)]

    async def may_file(
        self, session: AsyncSession, key: str, inbound: Inbound, at: datetime, locale: str
    ) -> list[NewMessage] | None:
        """None when a new report may be filed (and counts it); else the notice to send."""
        if await limits.take_report(session, key, at, self._limits):
            return None
        return [self._out.reply(inbound.chat_id, Reply(TOO_MANY_REPORTS), locale)]
