"""The outbox dispatcher: delivers committed calls with retries, backoff and Telegram's limits.

A row is marked sent only after Telegram accepted it, so a crash in between repeats at most
that one call. Rows of one chat go strictly in order; different chats go concurrently.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.aio import Wakeable, describe
from bot.outgoing import Outgoing
from bot.ratelimit import TelegramLimits
from storage import outbox
from storage.db import Database
from storage.outbox import Due

log = logging.getLogger(__name__)

# Long enough for a send that waits its turn and then times out (well under a minute), short
# enough that rows leased by a process that died free up soon on a shared PostgreSQL.
LEASE = timedelta(seconds=60)
MAX_BACKOFF = 300.0
MAX_ROW_ATTEMPTS = 10
TEXT_LIMIT = 4096
STAFF_RETRY = 600  # seconds between tries of a ticket message Telegram refuses
_EDITS = {"editMessageText", "editMessageReplyMarkup"}
_NOT_MESSAGES = {"answerCallbackQuery", "leaveChat", "setMessageReaction"}


def backoff(attempts: int) -> float:
    """Seconds before retry number `attempts` + 1: 1, 2, 4 ... capped at five minutes."""
    return min(2.0 ** attempts, MAX_BACKOFF)


def _seconds(value: Any) -> float:
    return float(value.total_seconds()) if isinstance(value, timedelta) else float(value)


def as_plain_text(params: dict[str, Any]) -> dict[str, Any]:
    """The same message without HTML: tags dropped, entities decoded, cut to Telegram's limit."""
    text = html.unescape(re.sub(r"<[^>]*>", "", str(params.get("text", ""))))
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT - 1] + "…"
    return {k: v for k, v in params.items() if k != "parse_mode"} | {"text": text or "…"}


def _snake(method: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in method)


def _typed(params: dict[str, Any]) -> dict[str, Any]:
    """PTB wants its own objects for nested parameters."""
    out = dict(params)
    if isinstance(out.get("reply_markup"), dict):
        out["reply_markup"] = InlineKeyboardMarkup.de_json(out["reply_markup"], None)
    if isinstance(out.get("link_preview_options"), dict):
        out["link_preview_options"] = LinkPreviewOptions(**out["link_preview_options"])
    return out


class Dispatcher(Wakeable):
    """Sends pending outbox rows until stopped; `wake()` makes it look again at once."""

    def __init__(self, db: Database, bot: Bot, outgoing: Outgoing,
                 *, concurrency: int = 16, max_inflight: int = 16,
                 clock: Callable[[], datetime] | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._bot = bot
        self._out = outgoing
        self._limits = TelegramLimits()
        self._inflight: set[str] = set()
        self._max_inflight = max_inflight
        self._slots = asyncio.Semaphore(concurrency)
        self._finished: list[tuple[Due, str | None, asyncio.Future[None]]] = []
        self._flush = asyncio.Lock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tasks: set[asyncio.Task[None]] = set()
        # The limiter's clock; tests share the fake Bot API's clock so both agree on pace.
        self._monotonic = monotonic
        super().__init__()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then let in-flight sends finish."""
        await self.loop(stop, self._turn, log)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)

    async def _turn(self) -> float:
        return min(await self.pump(), 1.0)

    async def pump(self) -> float:
        """Start sends for rows that may go soon; return seconds until it is worth looking again.

        Rows are only picked here; each send takes its place under the rate limits right before
        its request, so the requests themselves, not the decisions, keep to Telegram's limits.
        In-flight rows are capped so that none waits anywhere near its lease. Among the chats
        that may go, those we have not written to lately go first: in a burst, every reporter
        gets a first reply before anyone gets a second.
        """
        room = self._max_inflight - len(self._inflight)
        if room <= 0:
            return 1.0  # a finishing send wakes us
        now = self._clock()
        ready: list[Due] = []
        delay = 1.0
        mono = self._monotonic()
        window = 2048  # enough to see every waiting chat in a burst of this scale
        async with self._db.transaction() as session:  # pick and lease in one commit
            rows = await outbox.due(session, now, limit=window,
                                    skip_chats=frozenset(self._inflight))
            for row in rows:
                wait = self._wait(row, mono, chat_only=True)
                if wait > 0:
                    delay = min(delay, wait)
                else:
                    ready.append(row)
            ready.sort(key=lambda r: self._limits.last_sent(r.chat_key))  # stable: id order
            chosen = ready[:room]
            leased = [r for r in chosen if await outbox.lease(session, r.id, now, LEASE)]
        for row in leased:
            self._inflight.add(row.chat_key)
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._limits.forget_idle(mono)
        return 0.0 if len(ready) > room or (ready and len(rows) == window) else delay

    def _wait(self, row: Due, mono: float, *, chat_only: bool = False) -> float:
        if row.method in _NOT_MESSAGES:
            return 0.0
        return self._limits.wait(row.chat_key, row.is_group, mono, chat_only=chat_only)

    async def _take_turn(self, row: Due) -> None:
        """Sleep until this message fits every limit, then count it."""
        # The limits are computed, not signalled: sleeping the computed wait is the point.
        while (wait := self._wait(row, self._monotonic())) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        if row.method not in _NOT_MESSAGES:
            self._limits.record(row.chat_key, row.is_group, self._monotonic())

    async def _deliver(self, row: Due) -> None:
        try:
            async with self._slots:
                await self._take_turn(row)
                await self._send(row)
        except Exception as exc:
            log.error("outbox row %d: delivery bookkeeping failed: %s", row.id, describe(exc))
        finally:
            self._inflight.discard(row.chat_key)
            self._wake.set()

    async def _send(self, row: Due) -> None:
        params: dict[str, Any] = {}
        try:
            params = self._out.open(row.sealed)
            await getattr(self._bot, _snake(row.method))(**_typed(params))
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22 warns that the type will change
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = _seconds(exc.retry_after)
            self._limits.pause(row.chat_key, self._monotonic() + wait)
            await self._retry(row, wait, "RetryAfter", count=False)
        except BadRequest as exc:
            await self._refused(row, params, exc)
        except Forbidden as exc:  # the reporter blocked the bot, or the bot left the group
            await self._give_up(row, f"Forbidden: {exc.message}")
        except ChatMigrated as exc:  # the staff group became a supergroup with a new id
            log.error("outbox row %d (%s): the group moved to chat id %s: set STAFF_CHAT_ID to "
                      "it and restart", row.id, row.ticket_ref, exc.new_chat_id)
            await self._retry(row, STAFF_RETRY, "ChatMigrated")
        except TelegramError as exc:  # network errors, 5xx, time-outs
            await self._retry(row, backoff(row.attempts), type(exc).__name__)
        except Exception as exc:  # a row we cannot open or express (a bug, a changed DATA_KEY)
            if row.attempts + 1 >= MAX_ROW_ATTEMPTS:
                await self._give_up(row, describe(exc))
            else:
                await self._retry(row, backoff(row.attempts), describe(exc))
        else:
            await self._finish(row)

    async def _give_up(self, row: Due, reason: str) -> None:
        """Stop trying, except for ticket messages: a staff card must never be dropped."""
        if row.ticket_ref is not None:
            log.error("outbox row %d (%s) cannot be delivered (%s): check STAFF_CHAT_ID and "
                      "that the bot is in the group; retrying every %d min", row.id,
                      row.ticket_ref, reason, STAFF_RETRY // 60)
            await self._retry(row, STAFF_RETRY, reason)
        else:
            log.warning("outbox row %d (%s): given up: %s", row.id, row.method, reason)
            await self._finish(row, failed=reason)

    async def _refused(self, row: Due, params: dict[str, Any], exc: BadRequest) -> None:
        message = exc.message.lower()
        if "message is not modified" in message or (
                row.method == "answerCallbackQuery" and "query is too old" in message):
            await self._finish(row)  # nothing left to do: the result is already there, or moot
        elif row.method in _EDITS and ("not found" in message or "can't be edited" in message):
            # The message to edit is gone: send the new content as a fresh message instead.
            fresh = {k: v for k, v in params.items() if k != "message_id"}
            await self._rewrite(row, "sendMessage", fresh)
        elif row.method == "sendMessage" and params.get("parse_mode") == "HTML":
            # Telegram would not take the formatting (a bad label or translation, or too long):
            # the same words as plain text are better than no card at all.
            log.error("outbox row %d (%s): Telegram refused it (%s); sending it as plain text",
                      row.id, row.ticket_ref, exc.message)
            await self._rewrite(row, "sendMessage", as_plain_text(params))
        else:
            log.error("outbox row %d (%s, %s): Telegram refused it: %s", row.id, row.method,
                      row.ticket_ref, exc.message)
            await self._give_up(row, f"BadRequest: {exc.message}")

    async def _rewrite(self, row: Due, method: str, params: dict[str, Any]) -> None:
        async with self._db.transaction() as session:
            await outbox.replace(session, row.id, method, self._out.seal(params))

    async def _retry(self, row: Due, seconds: float, error: str, *, count: bool = True) -> None:
        log.warning("outbox row %d (%s): %s, retrying in %.0f s", row.id, row.ticket_ref, error,
                    seconds)
        async with self._db.transaction() as session:
            await outbox.retry_later(session, row.id, self._clock() + timedelta(seconds=seconds),
                                     error, count_attempt=count)

    async def _finish(self, row: Due, failed: str | None = None) -> None:
        """Record the outcome; concurrent outcomes share one commit (one fsync on SQLite)."""
        recorded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._finished.append((row, failed, recorded))
        async with self._flush:
            batch, self._finished = self._finished, []
            if batch:
                await self._record(batch)
        await recorded  # raises if the commit that carried our outcome failed

    async def _record(self, batch: list[tuple[Due, str | None, asyncio.Future[None]]]) -> None:
        now = self._clock()
        try:
            async with self._db.transaction() as session:
                for done, reason, _ in batch:
                    if reason is None:
                        await outbox.mark_sent(session, done.id, now)
                    else:
                        await outbox.mark_failed(session, done.id, now, reason)
        except Exception as exc:
            for *_, future in batch:
                future.set_exception(exc)
        else:
            for *_, future in batch:
                future.set_result(None)
