"""The stand-in's memory: people, chats and their messages, files, the update queue, and the log
of changes the demo page replays.

Messages are kept as the Telegram `Message` objects the Bot API returns, so the page renders what
the bot really sent; what Telegram would not say in a Message (deleted, pinned, reactions) goes in
a separate `meta` beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

MAX_EVENTS = 100_000  # a demo session is short; past this the oldest changes are forgotten


@dataclass(frozen=True)
class Person:
    """Someone the page acts as: a reporter or a task-force member."""

    id: int
    name: str
    role: str  # "reporter" or "staff"
    language_code: str = "id"
    title: str = ""  # a staff member's position, shown on the page only

    def user(self) -> dict[str, Any]:
        """The Telegram `User` object."""
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.name,
            "language_code": self.language_code,
        }

    def view(self) -> dict[str, Any]:
        """What the page shows about this person."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "language_code": self.language_code,
            "title": self.title,
        }


@dataclass
class StoredFile:
    """A file uploaded by a demo user or by the bot."""

    file_id: str
    unique_id: str
    path: str
    data: bytes
    mime_type: str


@dataclass
class Chat:
    """One chat with the bot: a person's private chat, or the staff group (a forum)."""

    id: int
    type: str
    title: str = ""
    person: Person | None = None
    is_forum: bool = False
    members: list[int] = field(default_factory=list)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None
    bot_is_member: bool = True
    pinned: list[int] = field(default_factory=list)
    next_id: int = 1

    def info(self) -> dict[str, Any]:
        """The Telegram `Chat` object."""
        if self.person is not None:
            return {"id": self.id, "type": "private", "first_name": self.person.name}
        return {"id": self.id, "type": self.type, "title": self.title, "is_forum": self.is_forum}

    def view(self) -> dict[str, Any]:
        """What the page needs besides the messages."""
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "person": self.person.id if self.person else None,
            "is_forum": self.is_forum,
            "topics": list(self.topics.values()),
            "reply_keyboard": self.reply_keyboard,
            "bot_is_member": self.bot_is_member,
            "pinned": list(self.pinned),
        }

    def live(self, message_id: int) -> dict[str, Any] | None:
        """A message that exists and was not deleted."""
        if message_id in self.messages and not self.meta[message_id].get("deleted"):
            return self.messages[message_id]
        return None


class World:
    """Everything the stand-in knows; changes are logged for the page and wake its long polls."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.run_id = secrets.token_hex(6)  # a page left open across a restart starts over
        self.people: dict[int, Person] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS)
        self.seq = 0
        self.page_closed = False  # the page's long polls return at once (shutting down)
        self.closed = False  # getUpdates returns at once too
        self._changed = asyncio.Event()
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1001)
        self._file_ids = itertools.count(1)
        self.confirmed_below = 0  # getUpdates offsets: every update below was stored by the bot

    # --- the page's change log ----------------------------------------------------------------

    def emit(self, kind: str, **data: Any) -> None:
        """Log one change for the page and wake whoever waits for changes."""
        self.seq += 1
        self.events.append({"seq": self.seq, "kind": kind, **data})
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def changes_after(self, seq: int, within: float) -> list[dict[str, Any]]:
        """Changes after `seq`, waiting up to `within` seconds for one."""
        deadline = time.monotonic() + within
        while self.seq <= seq and not self.page_closed:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return [e for e in self.events if e["seq"] > seq]

    def close_page(self) -> None:
        """Release the page's long polls (the web server is stopping)."""
        self.page_closed = True
        self._wake()

    def close(self) -> None:
        """Release every long poll, the bot's getUpdates too (the bot has stopped)."""
        self.page_closed = self.closed = True
        self._wake()

    # --- people and chats ---------------------------------------------------------------------

    def add_person(self, person: Person) -> Chat:
        """Add someone with their private chat with the bot."""
        self.people[person.id] = person
        chat = Chat(person.id, "private", person=person, members=[person.id])
        self.chats[person.id] = chat
        self.emit("person", person=person.view())
        self.emit("chat", chat=chat.view())
        return chat

    def add_group(self, chat_id: int, title: str, members: list[int]) -> Chat:
        """Add a forum supergroup with `members` and the bot in it."""
        chat = Chat(chat_id, "supergroup", title=title, is_forum=True, members=list(members))
        self.chats[chat_id] = chat
        self.emit("chat", chat=chat.view())
        return chat

    def chat_changed(self, chat: Chat) -> None:
        """Tell the page that a chat's topics, keyboard or membership changed."""
        self.emit("chat", chat=chat.view())

    # --- messages -----------------------------------------------------------------------------

    def add_message(
        self,
        chat: Chat,
        content: dict[str, Any],
        sender: dict[str, Any],
        thread_id: int | None = None,
        **meta: Any,
    ) -> dict[str, Any]:
        """A new message in `chat` from `sender` (a Telegram User object); `meta` is what the
        page should know that a Message does not say (copied, forwarded, the method)."""
        message_id = chat.next_id
        chat.next_id += 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.info(),
            "from": sender,
        }
        if thread_id is not None:
            message |= {"message_thread_id": thread_id, "is_topic_message": True}
        message |= content
        chat.messages[message_id] = message
        chat.meta[message_id] = {"from_bot": bool(sender.get("is_bot")), **meta}
        self.emit("message", chat=chat.id, message=message, meta=dict(chat.meta[message_id]))
        return message

    def replace_message(self, chat: Chat, message: dict[str, Any], *, edited: bool = True) -> None:
        """Store a changed message and show the change in place."""
        if edited:
            message["edit_date"] = int(time.time())
            meta = chat.meta[message["message_id"]]
            meta["edits"] = int(meta.get("edits", 0)) + 1
        chat.messages[message["message_id"]] = message
        self.emit(
            "message", chat=chat.id, message=message, meta=dict(chat.meta[message["message_id"]])
        )

    def delete_message(self, chat: Chat, message_id: int) -> None:
        """Mark a message deleted (the page keeps a placeholder so trainers see it happen)."""
        chat.meta[message_id]["deleted"] = True
        self.emit("deleted", chat=chat.id, message_id=message_id)

    # --- files --------------------------------------------------------------------------------

    def store_file(self, data: bytes, mime_type: str, folder: str, suffix: str) -> StoredFile:
        """Keep an uploaded file; it can be downloaded by its path and shown by its id."""
        n = next(self._file_ids)
        stored = StoredFile(
            f"DEMO-FILE-{n:06d}-{folder}",
            f"demo{n:06d}",
            f"{folder}/file_{n}{suffix}",
            data,
            mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """The file downloadable at `path`."""
        return next((f for f in self.files.values() if f.path == path), None)

    # --- updates ------------------------------------------------------------------------------

    def push_update(self, payload: dict[str, Any]) -> int:
        """Queue an update (`payload` is e.g. {"message": ...}) for getUpdates; returns its id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **payload})
        self._wake()
        return update_id

    async def take_updates(
        self, offset: int | None, limit: int, within: float
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm everything below `offset`, then wait up to `within` seconds."""
        if offset is not None:
            self.confirmed_below = max(self.confirmed_below, offset)
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        deadline = time.monotonic() + within
        while not self._updates and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return list(itertools.islice(self._updates, max(1, min(limit, 100))))
