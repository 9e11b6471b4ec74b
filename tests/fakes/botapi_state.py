"""In-memory chats, messages and files of the fake Bot API."""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.errors import bad_request, forbidden

# Keys of a Message that describe its envelope rather than its content.
ENVELOPE_KEYS = frozenset(
    {"message_id", "from", "chat", "date", "edit_date", "reply_markup", "forward_origin"}
    | {"reply_to_message", "message_thread_id"}
)


@dataclass
class ChatState:
    """One chat: its Chat object, message counter and current messages."""

    chat: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    bot_log: list[int] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    unavailable: str | None = None
    # Forum supergroups: topics by message_thread_id, and whether the bot may create them.
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)
    can_manage_topics: bool = False

    @property
    def is_forum(self) -> bool:
        """A supergroup with topics enabled."""
        return bool(self.chat.get("is_forum"))


@dataclass
class StoredFile:
    """A file known to the fake, downloadable at /file/bot<token>/<file_path>."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str = "application/octet-stream"
    # The size Telegram knows (a test may stand for a file too big to hold in memory).
    declared_size: int | None = None
    upload_name: str | None = None  # the file name of an upload

    @property
    def size(self) -> int:
        """The file's size in bytes, as Telegram reports it."""
        return len(self.data) if self.declared_size is None else self.declared_size

    def as_file(self) -> dict[str, Any]:
        """The Bot API File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class Store:
    """Chats, their messages and the files the fake knows about."""

    def __init__(
        self, bot_user: dict[str, Any], wall_clock: Callable[[], float] = time.time
    ) -> None:
        """Start empty; `wall_clock` gives unix time for message dates."""
        self.bot_user = bot_user
        self.wall_clock = wall_clock
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self._file_ids = itertools.count(1)

    def now(self) -> int:
        """Unix time for `date` fields."""
        return int(self.wall_clock())

    def private_chat(self, user: dict[str, Any]) -> ChatState:
        """Return (creating if needed) the private chat with `user`."""
        state = self.chats.get(user["id"])
        if state is None:
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if user.get(key):
                    chat[key] = user[key]
            state = self.chats[user["id"]] = ChatState(chat)
        return state

    def chat(self, chat_id: Any) -> ChatState:
        """Return a chat the bot may send to, or raise Telegram's error."""
        if isinstance(chat_id, str):
            raise bad_request("chat not found")
        state = self.chats.get(chat_id)
        if state is None:
            if chat_id > 0 and chat_id in self.users:
                raise forbidden("bot can't initiate conversation with a user")
            if chat_id > 0:
                raise bad_request("chat not found")
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            state = ChatState({"id": chat_id, "type": kind, "title": f"Test group {chat_id}"})
            self.chats[chat_id] = state
        if state.unavailable:
            raise forbidden(state.unavailable)
        return state

    def get_message(self, chat_id: Any, message_id: Any) -> dict[str, Any] | None:
        """Return the stored (live) message or None."""
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None or not isinstance(message_id, int):
            return None
        return state.messages.get(message_id)

    def add_message(
        self,
        state: ChatState,
        sender: dict[str, Any],
        content: dict[str, Any],
        reply_markup: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a new message in `state` and return a copy of it (Bot API JSON)."""
        message: dict[str, Any] = {
            "message_id": state.next_message_id,
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(state.chat),
            "date": self.now(),
        }
        state.next_message_id += 1
        message.update(copy.deepcopy(content))
        if reply_markup and "inline_keyboard" in reply_markup:
            message["reply_markup"] = copy.deepcopy(reply_markup)
        elif reply_markup and "keyboard" in reply_markup:
            state.reply_keyboard = copy.deepcopy(reply_markup)
        elif reply_markup and reply_markup.get("remove_keyboard"):
            state.reply_keyboard = None
        state.messages[message["message_id"]] = message
        if sender["id"] == self.bot_user["id"]:
            state.bot_log.append(message["message_id"])
        return copy.deepcopy(message)

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Current (not deleted) messages the bot sent to `chat_id`, oldest first."""
        state = self.chats.get(chat_id)
        if state is None:
            return []
        return [copy.deepcopy(state.messages[i]) for i in state.bot_log if i in state.messages]

    def add_file(self, data: bytes, kind: str, ext: str, mime_type: str) -> StoredFile:
        """Register a file and return it."""
        n = next(self._file_ids)
        stored = StoredFile(
            file_id=f"FAKE{kind.upper()}{n:06d}",
            file_unique_id=f"uniq{n:06d}",
            file_path=f"{kind}s/file_{n}.{ext}",
            data=data,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """Look a file up by its download path."""
        return next((f for f in self.files.values() if f.file_path == path), None)


def message_content(message: dict[str, Any]) -> dict[str, Any]:
    """The content part of a message (what copyMessage copies)."""
    return {k: v for k, v in message.items() if k not in ENVELOPE_KEYS}
