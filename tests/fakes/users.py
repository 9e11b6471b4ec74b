"""Simulated Telegram users that send realistic updates to the bot through the fake."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakes.botapi_state import ChatState
from tests.fakes.tgformat import utf16_len

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotApi

_query_ids = itertools.count(4_000_000_000_000_000_001)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01fake-jpeg\xff\xd9"
WEBP_BYTES = b"RIFF\x1c\x00\x00\x00WEBPVP8 fake-sticker"


@dataclass
class Delivery:
    """An update sent by a user and how it was delivered (HTTP status; None = queued)."""

    update: dict[str, Any]
    status: int | None


class FakeUser:
    """A Telegram user in a private chat with the bot."""

    def __init__(
        self,
        fake: FakeBotApi,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> None:
        """Describe the user; the private chat exists once they write to the bot."""
        self.fake = fake
        self.id = user_id
        self.user_json: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value:
                self.user_json[key] = value
        self._cursor = 0
        self.deliveries: list[Delivery] = []

    @property
    def chat_id(self) -> int:
        """The private chat id (equal to the user id)."""
        return self.id

    @property
    def chat(self) -> ChatState:
        """The private chat's state in the fake (created on first use)."""
        return self.fake.store.private_chat(self.user_json)

    # ----------------------------------------------------------------- sending
    def _chat_state(self, chat_id: int | None) -> ChatState:
        """The private chat, or the group `chat_id` the user writes in."""
        if chat_id is None or chat_id == self.id:
            return self.chat
        return self.fake.store.chats.get(chat_id) or self.fake.store.chat(chat_id)

    async def send_message(
        self,
        content: dict[str, Any],
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> Delivery:
        """Send a message with arbitrary Bot API content (text, photo...); chat_id for groups.

        `thread_id` writes in a forum topic; `reply_to` replies to that message of the chat.
        In a topic, a message that replies to nothing replies to the topic's opening, as in
        Telegram.
        """
        state = self._chat_state(chat_id)
        envelope: dict[str, Any] = {}
        if thread_id is not None:
            if thread_id not in state.topics:
                raise AssertionError(f"no topic {thread_id} in chat {state.chat['id']}")
            envelope = {"message_thread_id": thread_id, "is_topic_message": True}
        target = reply_to if reply_to is not None else thread_id
        if target is not None:
            replied = self.fake.store.get_message(state.chat["id"], target)
            if replied is None:
                raise AssertionError(f"no message {target} to reply to")
            envelope["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        message = self.fake.store.add_message(state, self.user_json, {**content, **envelope})
        return await self._deliver({"message": message})

    async def send_text(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> Delivery:
        """Send a text; a leading /command gets a bot_command entity."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return await self.send_message(
            content, chat_id=chat_id, thread_id=thread_id, reply_to=reply_to
        )

    async def send_sticker(self, emoji: str = "👍") -> Delivery:
        """Send a regular sticker."""
        stored = self.fake.store.add_file(WEBP_BYTES, "sticker", "webp", "image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.data),
        }
        return await self.send_message({"sticker": sticker})

    async def send_photo(self, caption: str | None = None, data: bytes = JPEG_BYTES) -> Delivery:
        """Send a photo (two sizes backed by `data`, downloadable through getFile)."""
        sizes = []
        for width, height in ((90, 68), (1280, 960)):
            stored = self.fake.store.add_file(data, "photo", "jpg", "image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": width,
                    "height": height,
                }
            )
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return await self.send_message(content)

    async def send_document(
        self,
        data: bytes = b"%PDF-1.4 fake",
        file_name: str = "bukti.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> Delivery:
        """Send a document."""
        stored = self.fake.store.add_file(data, "document", file_name.rsplit(".")[-1], mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return await self.send_message(content)

    async def send_location(self, latitude: float, longitude: float) -> Delivery:
        """Share a location."""
        return await self.send_message({"location": {"latitude": latitude, "longitude": longitude}})

    async def press(
        self, label: str, message_id: int | None = None, *, chat_id: int | None = None
    ) -> Delivery:
        """Press the inline button labelled `label` (exact, else unique substring)."""
        message = self._keyboard_message(message_id, chat_id)
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        matches = [b for b in buttons if b["text"] == label]
        if not matches:
            matches = [b for b in buttons if label in b["text"]]
        if not matches:
            matches = [b for b in buttons if label.casefold() in b["text"].casefold()]
        labels = [b["text"] for b in buttons]
        if len({(b["text"], b.get("callback_data")) for b in matches}) == 1:
            matches = matches[:1]  # the same button twice (e.g. at the top and the bottom)
        if len(matches) != 1:
            raise AssertionError(
                f"{'no' if not matches else 'several'} buttons match {label!r} in message "
                f"{message['message_id']}; buttons: {labels}"
            )
        button = matches[0]
        if "callback_data" not in button:
            raise AssertionError(f"button {button['text']!r} has no callback_data: {button}")
        return await self.press_data(
            button["callback_data"], message_id=message["message_id"], chat_id=chat_id
        )

    async def press_data(
        self, data: str, message_id: int | None = None, *, chat_id: int | None = None
    ) -> Delivery:
        """Send a callback_query with arbitrary (possibly forged) data."""
        state = self._chat_state(chat_id)
        message = None
        if message_id is None:
            message = self._latest_keyboard_message(state) or self._latest_bot_message(state)
        else:
            message = self.fake.store.get_message(state.chat["id"], message_id)
        if message is None:
            message = {"chat": copy.deepcopy(state.chat), "message_id": message_id or 0, "date": 0}
        query_id = str(next(_query_ids))
        query = {
            "id": query_id,
            "from": copy.deepcopy(self.user_json),
            "message": copy.deepcopy(message),
            "chat_instance": str(-(7_000_000_000_000_000 + self.id)),
            "data": data,
        }
        self.fake.callback_queries[query_id] = query
        return await self._deliver({"callback_query": query})

    async def _deliver(self, body: dict[str, Any]) -> Delivery:
        """Wrap `body` in an Update and hand it to the fake for delivery."""
        self.fake.user_acted()
        self._cursor = len(self._bot_log())
        update = {"update_id": self.fake.updates.next_update_id(), **body}
        delivery = Delivery(update, await self.fake.deliver(update))
        self.deliveries.append(delivery)
        return delivery

    # ----------------------------------------------------------------- the bot's side
    def block(self) -> None:
        """Block the bot: later sends to this user get 403."""
        self.chat.unavailable = "bot was blocked by the user"

    def unblock(self) -> None:
        """Unblock the bot."""
        self.chat.unavailable = None

    def messages(self) -> list[dict[str, Any]]:
        """Current messages the bot sent to this user."""
        return self.fake.messages_in(self.id)

    def texts(self) -> list[str]:
        """Text (or caption) of every current bot message to this user."""
        return [m.get("text", m.get("caption", "")) for m in self.messages()]

    def last_text(self) -> str | None:
        """Text (or caption) of the latest bot message to this user."""
        texts = self.texts()
        return texts[-1] if texts else None

    def buttons(self, message_id: int | None = None, *, chat_id: int | None = None) -> list[str]:
        """Labels of the latest inline keyboard (or of `message_id`)."""
        message = self._keyboard_message(message_id, chat_id)
        return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]

    async def wait_for_reply(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait for `count` new bot messages since the last action/wait; return them."""
        target = self._cursor + count
        await self.fake.wait_for(
            lambda: len(self._bot_log()) >= target, timeout, f"{count} bot message(s) to {self.id}"
        )
        ids = self._bot_log()[self._cursor : target]
        self._cursor = target
        messages = self.fake.store.chats[self.id].messages
        return [copy.deepcopy(messages[i]) for i in ids if i in messages]

    def _bot_log(self) -> list[int]:
        """Ids of every message the bot sent to this user (without creating the chat)."""
        state = self.fake.store.chats.get(self.id)
        return state.bot_log if state is not None else []

    def _latest_bot_message(self, state: ChatState) -> dict[str, Any] | None:
        """The newest current bot message in the chat."""
        messages = self.fake.messages_in(state.chat["id"])
        return messages[-1] if messages else None

    def _latest_keyboard_message(self, state: ChatState) -> dict[str, Any] | None:
        """The newest bot message that still has an inline keyboard."""
        messages = self.fake.messages_in(state.chat["id"])
        return next(
            (m for m in reversed(messages) if (m.get("reply_markup") or {}).get("inline_keyboard")),
            None,
        )

    def _keyboard_message(self, message_id: int | None, chat_id: int | None) -> dict[str, Any]:
        """The message whose keyboard press() uses, or an AssertionError explaining why not."""
        state = self._chat_state(chat_id)
        if message_id is None:
            message = self._latest_keyboard_message(state)
        else:
            message = self.fake.store.get_message(state.chat["id"], message_id)
        if message is None or not (message.get("reply_markup") or {}).get("inline_keyboard"):
            raise AssertionError(
                f"no bot message with an inline keyboard in chat {state.chat['id']} "
                f"(message_id={message_id}); bot texts: {self.texts()}"
            )
        return message
