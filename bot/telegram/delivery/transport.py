"""Sending one outbox row through the Bot API, and saying what became of it.

The dispatcher is channel-neutral: it asks the row's transport to send and applies the
`Outcome` it returns (retry later, done, failed for good, or send something else instead).
Everything Telegram-specific about errors lives here.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, ForceReply, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.runtime.outcomes import Failed, Outcome, Retry, Rewrite, Sent
from bot.telegram.delivery.budget import SendBudget
from bot.telegram.delivery.clean import clean
from bot.telegram.delivery.evidence import CARD, EVIDENCE, EvidenceSender, WaitingForCard
from bot.telegram.delivery.fill import EDITS, fill_call
from bot.telegram.delivery.limits import TEXT_LIMIT
from bot.telegram.delivery.ratelimit import TelegramLimits
from storage.repos.pipeline import outbox

# Calls Telegram does not count as messages: they never wait for a chat's pace (our own
# "evidence waits for its card" step neither).
NOT_MESSAGES = frozenset({*outbox.NOT_MESSAGES, "evidenceWaitsForCard"})
# What an evidence row becomes while its ticket's card is not in the group yet: it is put off
# without taking one of the group's turns.
WAITING_FOR_CARD = "evidenceWaitsForCard"
STAFF_RETRY = 600.0  # seconds between tries of a card Telegram refuses for the group
# A parameter of our own on deleteMessages: the note (HTML) sent to the chat instead if
# Telegram refuses to delete (too old, or not allowed). It never reaches Telegram.
IF_REFUSED = "if_refused"


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if isinstance(value, timedelta) else float(value)


def as_plain_text(params: dict[str, Any]) -> dict[str, Any]:
    """The same message without HTML: tags dropped, entities decoded, cut to Telegram's limit."""
    text = html.unescape(re.sub(r"<[^>]*>", "", str(clean(params.get("text", ""))[0])))
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    return {k: v for k, v in params.items() if k != "parse_mode"} | {"text": text or "…"}


def _snake(method: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in method)


def _typed(params: dict[str, Any]) -> dict[str, Any]:
    """PTB wants its own objects for nested parameters."""
    out = dict(params)
    markup = out.get("reply_markup")
    if isinstance(markup, dict):
        kind = ForceReply if "force_reply" in markup else InlineKeyboardMarkup
        out["reply_markup"] = kind.de_json(markup, None)
    if isinstance(out.get("link_preview_options"), dict):
        out["link_preview_options"] = LinkPreviewOptions(**out["link_preview_options"])
    return out


def is_local(exc: TelegramError) -> bool:
    """True when PTB wraps an error of our own making (a value that cannot be encoded), not
    a failure of the network or of Telegram."""
    cause = exc.__cause__
    return (
        isinstance(exc, NetworkError)
        and cause is not None
        and not isinstance(cause, (httpx.HTTPError, OSError, TimeoutError, TelegramError))
    )


def result_id(result: Any) -> int | None:
    """The id of what a call created: a message's id, or a forum topic's thread id."""
    if isinstance(result, Message):
        return result.message_id
    thread = getattr(result, "message_thread_id", None)
    return thread if isinstance(thread, int) else None


class TelegramTransport:
    """Bot API calls through PTB (as a plain HTTP client), paced by Telegram's limits."""

    name = "telegram"

    def __init__(
        self,
        bot: Bot,
        limits: TelegramLimits | None = None,
        budget: SendBudget | None = None,
        *,
        evidence: EvidenceSender | None = None,
        lanes: dict[str, str] | None = None,
        on_throttled: Callable[[], None] = lambda: None,
    ) -> None:
        self._bot = bot
        self._on_throttled = on_throttled  # counts 429s for /metrics
        self.limits = limits or TelegramLimits()
        # Shared by every process of the bot (PostgreSQL or Redis); None: this process alone.
        self.budget = budget
        self._evidence = evidence
        # Outbox keys with an order of their own that share a chat's limits (the staff
        # group's evidence lane -> the group's key).
        self._lanes = dict(lanes or {})

    def _chat(self, chat_key: str) -> str:
        """The chat whose limits a row's key counts against."""
        return self._lanes.get(chat_key, chat_key)

    def wait(
        self, method: str, chat_key: str, is_group: bool, now: float, *, chat_only: bool = False
    ) -> float:
        """Seconds until a call of `method` to this chat fits every limit."""
        if method in NOT_MESSAGES:
            return 0.0
        return self.limits.wait(self._chat(chat_key), is_group, now, chat_only=chat_only)

    def record(self, method: str, chat_key: str, is_group: bool, now: float) -> None:
        """Count a call that is about to go."""
        if method not in NOT_MESSAGES:
            self.limits.record(self._chat(chat_key), is_group, now)

    async def reserve(self, method: str, chat_key: str, is_group: bool, now: float) -> float:
        """Take this call's turn: from the shared budget when there is one, else locally."""
        if method in NOT_MESSAGES:
            return 0.0
        chat_key = self._chat(chat_key)
        if self.budget is None:
            wait = self.limits.wait(chat_key, is_group, now)
        else:
            wait = await self.budget.take(chat_key, is_group)
        if wait <= 0:
            self.limits.record(chat_key, is_group, now)
        return max(wait, 0.0)

    def last_sent(self, chat_key: str) -> float:
        """When we last wrote to this chat."""
        return self.limits.last_sent(self._chat(chat_key))

    def forget_idle(self, now: float) -> None:
        """Drop windows of quiet chats."""
        self.limits.forget_idle(now)

    def fill(
        self, method: str, params: dict[str, Any], ids: dict[str, int | None]
    ) -> tuple[str, dict[str, Any]]:
        """Tracked ids into the call (see fill.py beside this module)."""
        method, params = fill_call(method, params, ids)
        if method == EVIDENCE and params.get(CARD) is None:
            return WAITING_FOR_CARD, params
        return method, params

    async def send(
        self, method: str, params: dict[str, Any], *, chat_key: str, now: float, essential: bool
    ) -> Outcome:
        """Make the call; `essential` rows (staff cards) are never given up."""
        chat_key = self._chat(chat_key)
        refused_note = params.pop(IF_REFUSED, None)
        if method == WAITING_FOR_CARD:
            return Retry(None, "evidence waits for its ticket's card")
        try:
            if method == EVIDENCE and self._evidence is not None:
                result = await self._evidence.send(params)
            else:
                result = await getattr(self._bot, _snake(method))(**_typed(params))
        except WaitingForCard:
            return Retry(None, "evidence waits for its ticket's card")
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22 warns that the type will change
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = _seconds(exc.retry_after)
            self._on_throttled()
            self.limits.pause(chat_key, now + wait)
            if self.budget is not None:
                await self.budget.pause(chat_key, wait)
            return Retry(wait, "RetryAfter", count=False)
        except BadRequest as exc:
            if refused_note is not None:  # say so honestly, rather than nothing
                note = {"chat_id": params["chat_id"], "text": refused_note, "parse_mode": "HTML"}
                return Rewrite("sendMessage", note, f"BadRequest: {exc.message}")
            return self._refused(method, params, exc, essential)
        except Forbidden as exc:  # the reporter blocked the bot, or the bot left the group
            return Failed(f"Forbidden: {exc.message}", group_unreachable=essential)
        except ChatMigrated as exc:  # the staff group became a supergroup with a new id
            return Retry(STAFF_RETRY, f"ChatMigrated to {exc.new_chat_id}: set STAFF_CHAT_ID")
        except TelegramError as exc:
            if is_local(exc):
                return self._inexpressible(method, params, exc, essential)
            return Retry(None, type(exc).__name__, transient=True)  # network, 5xx, time-outs
        except (TypeError, ValueError) as exc:  # PTB refused the parameters before sending
            return self._inexpressible(method, params, exc, essential)
        return Sent(result_id(result))

    def _inexpressible(
        self, method: str, params: dict[str, Any], exc: Exception, essential: bool
    ) -> Outcome:
        """Our call could not even be encoded: retrying it as it is would fail forever."""
        cause = type(exc.__cause__ or exc).__name__
        cleaned, changed = clean(params)
        if changed:  # invalid code points (ingest cleans them; this is the last line)
            return Rewrite(
                method, cleaned, f"cannot encode ({cause}); sending it cleaned", local=True
            )
        if essential and method == "sendMessage" and params.get("parse_mode"):
            return Rewrite(method, as_plain_text(params), f"cannot encode ({cause})", local=True)
        return Failed(f"cannot encode: {cause}", group_unreachable=essential, local=True)

    def _refused(
        self, method: str, params: dict[str, Any], exc: BadRequest, essential: bool
    ) -> Outcome:
        message = exc.message.lower()
        if "message is not modified" in message or (
            method == "answerCallbackQuery" and "query is too old" in message
        ):
            return Sent(None)  # nothing left to do: the result is already there, or moot
        if method in EDITS and ("not found" in message or "can't be edited" in message):
            # The message to edit is gone: send the new content as a fresh message instead.
            return Rewrite("sendMessage", {k: v for k, v in params.items() if k != "message_id"})
        if method == "sendMessage" and params.get("parse_mode") == "HTML":
            # Telegram would not take the formatting (a bad label or translation, or too long):
            # the same words as plain text are better than no message at all.
            return Rewrite("sendMessage", as_plain_text(params), f"BadRequest: {exc.message}")
        return Failed(f"BadRequest: {exc.message}", group_unreachable=essential)
