"""Methods about chats rather than messages: button answers, membership, forum topics, pins,
reactions, the command menu, and information the bot asks for."""

from __future__ import annotations

from typing import Any

from bot.demo.standin.base import ApiBase, Uploads, param_int
from bot.demo.standin.errors import ApiError
from bot.demo.standin.world import Chat

_QUERY_GONE = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ChatMethods(ApiBase):
    """Everything around the messages."""

    def open_query(self, chat_id: int) -> str:
        """A new callback query id for a press in `chat_id` (answered by answerCallbackQuery)."""
        query_id = str(next(self._query_ids))
        self._queries[query_id] = chat_id
        return query_id

    # --- buttons, membership, topics, pins ----------------------------------------------------

    def _answer_query(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat_id = self._queries.pop(str(params.get("callback_query_id", "")), None)
        if chat_id is None:
            raise ApiError(400, _QUERY_GONE)
        if params.get("text"):
            self.world.emit(
                "toast",
                chat=chat_id,
                text=str(params["text"]),
                alert=bool(params.get("show_alert")),
            )
        return True

    def _leave(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat = self._chat(params)
        if chat.person is not None:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        chat.bot_is_member = False
        self.world.chat_changed(chat)
        return True

    def _topic(self, params: dict[str, Any]) -> tuple[Chat, dict[str, Any]]:
        chat = self._writable(params)
        topic = chat.topics.get(param_int(params, "message_thread_id"))
        if topic is None:
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        return chat, topic

    def _create_topic(self, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        chat = self._writable(params)
        name = str(params.get("name", ""))
        if not chat.is_forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        if not 1 <= len(name) <= 128:
            raise ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY")
        thread, color = chat.next_id, int(params.get("icon_color") or 7322096)
        topic: dict[str, Any] = {"message_thread_id": thread, "name": name, "icon_color": color}
        chat.topics[thread] = topic
        self.world.chat_changed(chat)
        self.world.add_message(
            chat,
            {"forum_topic_created": {"name": name, "icon_color": color}},
            self.world.bot_user,
            thread,
        )
        return dict(topic)

    def _edit_topic(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat, topic = self._topic(params)
        if params.get("name"):
            topic["name"] = str(params["name"])
        self.world.chat_changed(chat)
        self.world.add_message(
            chat,
            {"forum_topic_edited": {"name": topic["name"]}},
            self.world.bot_user,
            topic["message_thread_id"],
        )
        return True

    def _topic_state(self, params: dict[str, Any], service: str, closed: bool) -> bool:
        chat, topic = self._topic(params)
        topic["is_closed"] = closed
        self.world.chat_changed(chat)
        self.world.add_message(chat, {service: {}}, self.world.bot_user, topic["message_thread_id"])
        return True

    def _delete_topic(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat, topic = self._topic(params)
        thread = topic["message_thread_id"]
        for message_id, message in list(chat.messages.items()):
            if message.get("message_thread_id") == thread and chat.live(message_id):
                self.world.delete_message(chat, message_id)
        del chat.topics[thread]
        self.world.chat_changed(chat)
        return True

    def _pin(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat = self._writable(params)
        message = chat.live(param_int(params, "message_id"))
        if message is None:
            raise ApiError(400, "Bad Request: message to pin not found")
        chat.pinned = [m for m in chat.pinned if m != message["message_id"]]
        chat.pinned.append(message["message_id"])
        self.world.chat_changed(chat)
        return True

    def _unpin(self, params: dict[str, Any], everything: bool) -> bool:
        chat = self._writable(params)
        if everything:
            chat.pinned = []
        elif params.get("message_id") in (None, ""):
            chat.pinned = chat.pinned[:-1]  # without an id: the most recent pin
        else:
            chat.pinned = [m for m in chat.pinned if m != param_int(params, "message_id")]
        self.world.chat_changed(chat)
        return True

    def _react(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat = self._chat(params)
        message = chat.live(param_int(params, "message_id"))
        if message is None:
            raise ApiError(400, "Bad Request: message to react not found")
        reactions = params.get("reaction") or []
        meta = chat.meta[message["message_id"]]
        meta["reactions"] = [r.get("emoji", "?") for r in reactions if isinstance(r, dict)]
        self.world.emit("message", chat=chat.id, message=message, meta=dict(meta))
        return True

    # --- settings and information -------------------------------------------------------------

    def _set_commands(self, params: dict[str, Any], uploads: Uploads) -> bool:
        self.world.commands[self._scope(params)] = list(params.get("commands") or [])
        self.world.emit("commands", commands=dict(self.world.commands))
        return True

    def _delete_commands(self, params: dict[str, Any], uploads: Uploads) -> bool:
        self.world.commands.pop(self._scope(params), None)
        self.world.emit("commands", commands=dict(self.world.commands))
        return True

    def _get_chat(self, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return self._chat(params).info() | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _get_member(self, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        chat = self._chat(params)
        user_id = param_int(params, "user_id")
        if user_id == self.world.bot_user["id"]:
            return (
                self._admin()
                if chat.bot_is_member
                else {"status": "left", "user": self.world.bot_user}
            )
        person = self.world.people.get(user_id)
        if person is None:
            raise ApiError(400, "Bad Request: user not found")
        status = "member" if user_id in chat.members else "left"
        return {"status": status, "user": person.user()}

    def _get_file(self, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        stored = self.world.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    def _other(self, method: str, params: dict[str, Any]) -> bool:
        """A method the demo does not draw: it succeeds, and its chat shows that it was called."""
        raw = str(params.get("chat_id", ""))
        if raw.lstrip("-").isdigit() and int(raw) in self.world.chats:
            self.world.emit("call", chat=int(raw), method=method)
        return True
