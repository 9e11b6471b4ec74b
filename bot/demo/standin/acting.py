"""Acting as a demo user: what they do shows in their chat and reaches the bot as an update.

Every action is a generic Telegram update (a message with text, a photo, a voice note or a
location; a press of an inline button), so features built later receive them unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from bot.demo.standin.methods import BotApi
from bot.demo.standin.samples import sample_ogg, sample_png
from bot.demo.standin.tghtml import with_auto_entities
from bot.demo.standin.world import Chat, Person
from bot.errors import BotError


class ActError(BotError):
    """The page asked for something a user could not do (wrong chat, a button that is gone)."""


class Acting:
    """Makes users' actions into chat messages and updates; `on_update` hears of each one."""

    def __init__(
        self, api: BotApi, on_update: Callable[[int, int], None] = lambda _chat, _update: None
    ) -> None:
        self.api = api
        self.world = api.world
        self.on_update = on_update
        self._samples = itertools.count(1)

    def _where(self, person_id: int, chat_id: int) -> tuple[Person, Chat]:
        person = self.world.people.get(person_id)
        chat = self.world.chats.get(chat_id)
        if person is None or chat is None or person_id not in chat.members:
            raise ActError("that person is not in that chat")
        return person, chat

    def _thread(self, chat: Chat, thread_id: int | None) -> int | None:
        if thread_id is None:
            return None
        if thread_id not in chat.topics:
            raise ActError("that topic does not exist")
        return thread_id

    def _say(
        self, person_id: int, chat_id: int, content: dict[str, Any], thread_id: int | None = None
    ) -> int:
        person, chat = self._where(person_id, chat_id)
        message = self.world.add_message(
            chat, content, person.user(), self._thread(chat, thread_id)
        )
        update_id = self.world.push_update({"message": message})
        self.on_update(chat.id, update_id)
        return update_id

    def text(self, person_id: int, chat_id: int, text: str, thread_id: int | None = None) -> int:
        """Type and send `text` (a leading /command is marked as Telegram marks it)."""
        if not text.strip():
            raise ActError("empty message")
        content: dict[str, Any] = {"text": text}
        entities = [e for e in with_auto_entities(text, []) if e["type"] == "bot_command"]
        if entities:
            content["entities"] = entities
        return self._say(person_id, chat_id, content, thread_id)

    def photo(
        self, person_id: int, chat_id: int, caption: str = "", thread_id: int | None = None
    ) -> int:
        """Send a generated picture, with an optional caption."""
        data = sample_png(next(self._samples))
        stored = self.world.store_file(data, "image/png", "photos", ".png")
        content: dict[str, Any] = {
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "width": 320,
                    "height": 200,
                    "file_size": len(data),
                }
            ]
        }
        if caption.strip():
            content["caption"] = caption
        return self._say(person_id, chat_id, content, thread_id)

    def voice(self, person_id: int, chat_id: int, thread_id: int | None = None) -> int:
        """Send a two-second voice note."""
        data = sample_ogg(2)
        stored = self.world.store_file(data, "audio/ogg", "voice", ".ogg")
        return self._say(
            person_id,
            chat_id,
            {
                "voice": {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "duration": 2,
                    "mime_type": "audio/ogg",
                    "file_size": len(data),
                }
            },
            thread_id,
        )

    def location(
        self,
        person_id: int,
        chat_id: int,
        latitude: float,
        longitude: float,
        thread_id: int | None = None,
    ) -> int:
        """Share a location."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ActError("not a place on Earth")
        return self._say(
            person_id,
            chat_id,
            {"location": {"latitude": latitude, "longitude": longitude}},
            thread_id,
        )

    def press(self, person_id: int, chat_id: int, message_id: int, data: str) -> int:
        """Press the inline button carrying `data` under the bot's message `message_id`."""
        person, chat = self._where(person_id, chat_id)
        message = chat.live(message_id)
        rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
        if message is None or not any(b.get("callback_data") == data for r in rows for b in r):
            raise ActError("that button is no longer there")
        query = {
            "id": self.api.open_query(chat.id),
            "from": person.user(),
            "chat_instance": f"demo{chat.id}",
            "data": data,
            "message": message,
        }
        update_id = self.world.push_update({"callback_query": query})
        self.on_update(chat.id, update_id)
        return update_id
