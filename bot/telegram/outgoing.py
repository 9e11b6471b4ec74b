"""Turning flow replies into Bot API calls, sealed for the outbox."""

from __future__ import annotations

import json
from typing import Any

from bot.infra.crypto import Keys
from bot.infra.i18n import Translator
from flows.core import Keyboard, Reply, Text
from storage.repos.outbox import NewMessage


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
    ) -> NewMessage:
        """One Bot API call to `chat_id` (which is added to `params` unless told otherwise).

        `track` keeps the id of the result (a message, a topic) under that name once sent;
        `fill` names parameters taken from such ids at send time; `on_fail` is a timer kind
        scheduled if the call fails for good (see storage.repos.outbox.NewMessage).
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
                        "callback_data": b.data,
                    }
                    for b in row
                ]
                for row in keyboard
            ]
        }

    def render(self, text: Text, locale: str) -> str:
        """`text` as Telegram HTML in `locale`."""
        return self._tr.render(text, locale)

    def reply(
        self, chat_id: int, reply: Reply, locale: str, edit_message_id: int | None = None
    ) -> NewMessage:
        """A reply in `locale`: an edit of the pressed message when asked and possible."""
        params: dict[str, Any] = {"text": self._tr.render(reply.text, locale), "parse_mode": "HTML"}
        markup = self.markup(reply.keyboard, locale)
        if markup is not None:
            params["reply_markup"] = markup
        if reply.edit and edit_message_id is not None:
            return self.call(chat_id, "editMessageText", {**params, "message_id": edit_message_id})
        params["link_preview_options"] = {"is_disabled": True}
        return self.call(chat_id, "sendMessage", params)

    def answer_callback(self, chat_id: int, callback_query_id: str) -> NewMessage:
        """Stop the spinner on a pressed button (queued in the chat's order)."""
        return self.call(
            chat_id,
            "answerCallbackQuery",
            {"callback_query_id": callback_query_id},
            with_chat_id=False,
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
