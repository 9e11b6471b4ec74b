"""Turning flow replies into Bot API calls, sealed for the outbox."""

from __future__ import annotations

import json
from typing import Any

from bot.infra.crypto import Keys
from bot.infra.i18n import Translator
from flows.core import Keyboard, Reply, Text
from storage.repos.pipeline.outbox import NewMessage

# The supersede key of prompts (see `Outgoing.reply`).
PROMPT = "prompt"
TOAST_LIMIT = 200  # characters Telegram shows in a callback answer


class Outgoing:
    """Builds outbox rows: recipients become keyed pseudonyms, parameters are sealed."""

    def __init__(self, keys: Keys, translator: Translator) -> None:
        self._keys = keys
        self._tr = translator

    def call(
        self,
        chat_id: int,
        method: str,
        params: dict[str, Any],
        *,
        with_chat_id: bool = True,
        ticket_ref: str | None = None,
        track: str | None = None,
        fill: dict[str, str] | None = None,
        on_fail: str | None = None,
        supersede: str | None = None,
        in_order: bool = True,
        priority: bool = False,
    ) -> NewMessage:
        """One Bot API call to `chat_id` (which is added to `params` unless told otherwise).

        `track` keeps the id of the result (a message, a topic) under that name once sent;
        `fill` names parameters taken from such ids at send time; `on_fail` is a timer kind
        scheduled if the call fails for good; `supersede` lets a newer row with that key
        replace this one while unsent; `in_order=False` sends it outside the chat's order;
        `priority` rows (for the task force) go before others when many wait (see
        storage.repos.pipeline.outbox.NewMessage).
        """
        body = {"chat_id": chat_id, **params} if with_chat_id else dict(params)
        return NewMessage(
            chat_key=self._keys.identity_key(chat_id),
            is_group=chat_id < 0,
            method=method,
            sealed=self._keys.seal(json.dumps(body).encode()),
            ticket_ref=ticket_ref,
            track=track,
            fill=fill,
            on_fail=on_fail,
            supersede=supersede,
            replaces=supersede,
            in_order=in_order,
            priority=priority,
        )

    def markup(self, keyboard: Keyboard, locale: str) -> dict[str, Any] | None:
        """An InlineKeyboardMarkup for `keyboard`, labels translated, or None when empty."""
        if not keyboard:
            return None
        return {
            "inline_keyboard": [
                [
                    {
                        "text": self._tr.render(b.label, locale, as_html=False),
                        **({"url": b.url} if b.url is not None else {"callback_data": b.data}),
                    }
                    for b in row
                ]
                for row in keyboard
            ]
        }

    def render(self, text: Text, locale: str, *, as_html: bool = True) -> str:
        """`text` as Telegram HTML in `locale` (or as plain text)."""
        return self._tr.render(text, locale, as_html=as_html)

    def reply(
        self,
        chat_id: int,
        reply: Reply,
        locale: str,
        edit_message_id: int | None = None,
        thread_id: int | None = None,
        priority: bool = False,
    ) -> NewMessage:
        """A reply in `locale`: an edit of the pressed message when asked and possible.

        `thread_id` keeps a reply in the forum topic the event came from. A reply with buttons
        in a private chat is a prompt (a question, the review, a choice): a newer prompt makes
        the older ones still unsent moot, so it replaces them and the reporter sees the current
        question rather than a backlog of repeats.
        """
        params: dict[str, Any] = {"text": self._tr.render(reply.text, locale), "parse_mode": "HTML"}
        markup = self.markup(reply.keyboard, locale)
        if markup is not None:
            params["reply_markup"] = markup
        elif reply.force_reply:
            params["reply_markup"] = {"force_reply": True, "selective": True}
        prompt = PROMPT if markup is not None and chat_id > 0 else None
        if reply.edit and edit_message_id is not None:
            return self.call(
                chat_id,
                "editMessageText",
                {**params, "message_id": edit_message_id},
                supersede=prompt,
                priority=priority,
            )
        params["link_preview_options"] = {"is_disabled": True}
        if thread_id is not None:
            params["message_thread_id"] = thread_id
        return self.call(chat_id, "sendMessage", params, supersede=prompt, priority=priority)

    def toast(
        self, user_id: int, callback_query_id: str, text: Text, locale: str, priority: bool = False
    ) -> NewMessage:
        """Answer a pressed button with a short notice shown to the presser alone.

        At once, outside any chat's order (Telegram drops late answers), keyed by the presser.
        """
        notice = self._tr.render(text, locale, as_html=False)
        if len(notice) > TOAST_LIMIT:
            notice = notice[: TOAST_LIMIT - 1] + "…"
        return self.call(
            user_id,
            "answerCallbackQuery",
            {"callback_query_id": callback_query_id, "text": notice},
            with_chat_id=False,
            in_order=False,
            priority=priority,
        )

    def answer_callback(
        self, user_id: int, callback_query_id: str, priority: bool = False
    ) -> NewMessage:
        """Stop the spinner on a pressed button: at once, outside any chat's order (it is no
        message, and Telegram shows the spinner only for a few seconds)."""
        return self.call(
            user_id,
            "answerCallbackQuery",
            {"callback_query_id": callback_query_id},
            with_chat_id=False,
            in_order=False,
            priority=priority,
        )

    def open(self, sealed: bytes) -> dict[str, Any]:
        """The parameters of a sealed outbox row."""
        data = json.loads(self._keys.open(sealed))
        if not isinstance(data, dict):
            raise ValueError("sealed outbox payload is not an object")
        return data

    def seal(self, params: dict[str, Any]) -> bytes:
        """Seal parameters for storage."""
        return self._keys.seal(json.dumps(params).encode())
