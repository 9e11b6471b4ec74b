"""The Bot API methods, answered generically: any send* makes a message, any edit* changes one,
any delete* removes one; the rest return what Telegram would, closely enough for the bot.

Method names are case-insensitive, as in Telegram. A method the stand-in does not know yet still
succeeds (`true`) and shows on the page as a call in its chat, so new features are visible before
anyone teaches the demo about them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from bot.demo.standin import content as c
from bot.demo.standin.errors import ApiError
from bot.demo.standin.world import Chat, World

Uploads = dict[str, tuple[str, str, bytes]]
Handler = Callable[[dict[str, Any], Uploads], Any]

_SEND_KINDS = {"message": "text", "videonote": "video_note"}
_COPIED = ("text", "entities", "caption", "caption_entities", *c.MEDIA, "location", "venue",
           "contact", "dice", "poll", "has_media_spoiler")
_NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                 "markup are exactly the same as a current content and reply markup of the message")
_QUERY_GONE = ("Bad Request: query is too old and response timeout expired or query ID is "
               "invalid")
_ADMIN_RIGHTS = dict.fromkeys(
    ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
     "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
     "can_delete_stories", "can_pin_messages", "can_manage_topics"), True) | {
    "can_promote_members": False, "can_be_edited": False, "is_anonymous": False}


def _int(params: dict[str, Any], name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, f"Bad Request: {name} is required") from None


class BotApi:
    """The stand-in Bot API over a `World`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._queries: dict[str, int] = {}  # open callback query id -> chat id
        self._query_ids = itertools.count(5_000_001)
        self._exact: dict[str, Handler] = {
            "getme": lambda p, u: self.world.bot_user | {
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False},
            "logout": lambda p, u: True, "close": lambda p, u: True,
            "setwebhook": lambda p, u: True, "deletewebhook": lambda p, u: True,
            "getwebhookinfo": lambda p, u: {"url": "", "has_custom_certificate": False,
                                            "pending_update_count": 0},
            "setmycommands": self._set_commands, "deletemycommands": self._delete_commands,
            "getmycommands": lambda p, u: self.world.commands.get(self._scope(p), []),
            "getchat": self._get_chat, "getchatmember": self._get_member,
            "getchatadministrators": lambda p, u: [self._admin()],
            "getchatmembercount": lambda p, u: len(self._chat(p).members) + 1,
            "getfile": self._get_file,
            "getuserprofilephotos": lambda p, u: {"total_count": 0, "photos": []},
            "sendchataction": self._chat_action, "sendmediagroup": self._send_group,
            "copymessage": lambda p, u: self._copy(p, [_int(p, "message_id")], False)[0],
            "copymessages": lambda p, u: self._copy(p, list(p.get("message_ids") or []), False),
            "forwardmessage": lambda p, u: self._forward(p),
            "forwardmessages": lambda p, u: self._copy(p, list(p.get("message_ids") or []), True),
            "deletemessage": lambda p, u: self._delete(p, [_int(p, "message_id")], strict=True),
            "deletemessages": lambda p, u: self._delete(p, list(p.get("message_ids") or []),
                                                        strict=False),
            "answercallbackquery": self._answer_query, "leavechat": self._leave,
            "createforumtopic": self._create_topic, "editforumtopic": self._edit_topic,
            "closeforumtopic": lambda p, u: self._topic_state(p, "forum_topic_closed", True),
            "reopenforumtopic": lambda p, u: self._topic_state(p, "forum_topic_reopened", False),
            "deleteforumtopic": self._delete_topic,
            "pinchatmessage": self._pin, "unpinchatmessage": lambda p, u: self._unpin(p, False),
            "unpinallchatmessages": lambda p, u: self._unpin(p, True),
            "setmessagereaction": self._react,
        }

    # --- entry point --------------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any], uploads: Uploads) -> Any:
        """Answer one call (getUpdates is answered by the HTTP layer, which may wait)."""
        name = method.lower()
        if name in self._exact:
            return self._exact[name](params, uploads)
        if name.startswith("send"):
            return self._send(method, params, uploads)
        if name.startswith("edit") and "message" in name:
            return self._edit(name, params, uploads)
        return self._other(method, params)

    def open_query(self, chat_id: int) -> str:
        """A new callback query id for a press in `chat_id` (answered by answerCallbackQuery)."""
        query_id = str(next(self._query_ids))
        self._queries[query_id] = chat_id
        return query_id

    # --- lookups ------------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any], name: str = "chat_id") -> Chat:
        chat = self.world.chats.get(_int(params, name)) if str(params.get(name, "")).lstrip(
            "-").isdigit() else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _writable(self, params: dict[str, Any]) -> Chat:
        chat = self._chat(params)
        if not chat.bot_is_member:
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _thread(self, chat: Chat, params: dict[str, Any]) -> int | None:
        if params.get("message_thread_id") in (None, ""):
            return None
        thread = _int(params, "message_thread_id")
        if thread not in chat.topics:
            raise ApiError(400, "Bad Request: message thread not found")
        return thread

    def _admin(self) -> dict[str, Any]:
        return {"status": "administrator", "user": self.world.bot_user, **_ADMIN_RIGHTS}

    @staticmethod
    def _scope(params: dict[str, Any]) -> str:
        scope = params.get("scope")
        kind = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return f"{kind}|{params.get('language_code') or ''}"

    # --- sending ------------------------------------------------------------------------------

    def _content(self, kind: str, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        if kind == "text":
            return c.formatted(params)
        if kind in c.MEDIA:
            out = {kind: c.media(self.world, kind, params.get(kind), uploads, params)}
            out |= c.formatted(params, "caption", "caption_entities")
            c.caption_fits(out)
            return out
        if kind in ("location", "venue"):
            place = {"latitude": float(params.get("latitude", 0)),
                     "longitude": float(params.get("longitude", 0))}
            if kind == "location":
                return {"location": place}
            return {"location": place, "venue": {"location": place, "title": params.get(
                "title", ""), "address": params.get("address", "")}}
        if kind == "contact":
            return {"contact": {k: params[k] for k in ("phone_number", "first_name",
                                                       "last_name") if k in params}}
        if kind == "dice":
            return {"dice": {"emoji": params.get("emoji") or "🎲", "value": 3}}
        if kind == "poll":
            options = [{"text": o if isinstance(o, str) else str(o.get("text", "")),
                        "voter_count": 0} for o in params.get("options") or []]
            return {"poll": {"id": str(next(self._query_ids)), "question": params.get(
                "question", ""), "options": options, "total_voter_count": 0, "is_closed": False,
                "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}}
        return {}

    def _markup(self, chat: Chat, params: dict[str, Any], out: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        inline = c.inline_markup(markup)
        if inline is not None:
            out["reply_markup"] = inline
        elif isinstance(markup, dict) and ("keyboard" in markup or "remove_keyboard" in markup):
            chat.reply_keyboard = markup if "keyboard" in markup else None
            self.world.chat_changed(chat)

    def _post(self, chat: Chat, content: dict[str, Any], params: dict[str, Any],
              **meta: Any) -> dict[str, Any]:
        """Put a bot message with `content` into `chat`, with the call's keyboard and options."""
        thread = self._thread(chat, params)
        self._markup(chat, params, content)
        if params.get("protect_content"):
            content["has_protected_content"] = True
        reply = params.get("reply_parameters")
        reply_to = reply.get("message_id") if isinstance(reply, dict) else params.get(
            "reply_to_message_id")
        target = chat.live(int(str(reply_to))) if str(reply_to or "").isdigit() else None
        if target is not None:
            content["reply_to_message"] = {k: v for k, v in target.items()
                                           if k != "reply_to_message"}
        return self.world.add_message(chat, content, self.world.bot_user, thread, **meta)

    def _send(self, method: str, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        chat = self._writable(params)
        tail = method[4:].lower()
        kind = _SEND_KINDS.get(tail, tail)
        content = self._content(kind, params, uploads)
        # A kind of message the page has no drawing for yet still shows, named by its method.
        return self._post(chat, content, params, **({} if content else {"method": method}))

    def _send_group(self, params: dict[str, Any], uploads: Uploads) -> list[dict[str, Any]]:
        chat = self._writable(params)
        sent = []
        for item in params.get("media") or []:
            kind = str(item.get("type", "document")) if isinstance(item, dict) else "document"
            if not isinstance(item, dict) or kind not in c.MEDIA:
                raise ApiError(400, "Bad Request: wrong media in the media group")
            content = {kind: c.media(self.world, kind, item.get("media"), uploads, item)}
            content |= c.formatted(item, "caption", "caption_entities")
            sent.append(self._post(chat, content, {k: v for k, v in params.items()
                                                   if k != "reply_markup"}))
        return sent

    def _copy(self, params: dict[str, Any], ids: list[Any], forward: bool) -> list[Any]:
        chat = self._writable(params)
        source = self._chat(params, "from_chat_id")
        results: list[Any] = []
        for message_id in ids:
            original = source.live(int(message_id))
            if original is None:
                raise ApiError(400, "Bad Request: message to copy not found")
            content = {k: v for k, v in original.items() if k in _COPIED}
            if forward:  # a forward names its sender: the page flags it, rule 2 forbids it
                content["forward_origin"] = {"type": "user", "sender_user": original["from"],
                                             "date": original["date"]}
            elif "caption" in params:
                content = {k: v for k, v in content.items()
                           if k not in ("caption", "caption_entities")}
                content |= c.formatted(params, "caption", "caption_entities")
            message = self._post(chat, content, params if not forward else {
                k: v for k, v in params.items() if k != "reply_markup"},
                **{"forwarded" if forward else "copied": True})
            results.append(message if forward else {"message_id": message["message_id"]})
        return results

    def _forward(self, params: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._copy(params, [_int(params, "message_id")], True)[0]
        return result

    def _chat_action(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat = self._writable(params)
        self.world.emit("action", chat=chat.id, action=str(params.get("action", "typing")))
        return True

    # --- changing and removing ----------------------------------------------------------------

    def _edit(self, name: str, params: dict[str, Any], uploads: Uploads) -> Any:
        if params.get("inline_message_id"):
            return True  # inline messages live in other people's chats: nothing to show
        chat = self._writable(params)
        old = chat.live(_int(params, "message_id"))
        if old is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not chat.meta[old["message_id"]].get("from_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        if name == "editmessagetext":
            if c.media_of(old) is not None:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            new = {k: v for k, v in new.items() if k != "entities"} | c.formatted(params)
        elif name == "editmessagecaption":
            new = {k: v for k, v in new.items() if k not in ("caption", "caption_entities")}
            new |= c.formatted(params, "caption", "caption_entities")
        elif name == "editmessagemedia":
            new = self._new_media(new, params, uploads)
        elif name == "editmessagelivelocation":
            new["location"] = {"latitude": float(params.get("latitude", 0)),
                               "longitude": float(params.get("longitude", 0))}
        inline = c.inline_markup(params.get("reply_markup"))
        if inline is not None:
            new["reply_markup"] = inline
        if new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise ApiError(400, _NOT_MODIFIED)
        self.world.replace_message(chat, new)
        return new

    def _new_media(self, message: dict[str, Any], params: dict[str, Any],
                   uploads: Uploads) -> dict[str, Any]:
        item = params.get("media")
        if not isinstance(item, dict) or item.get("type") not in c.MEDIA:
            raise ApiError(400, "Bad Request: wrong media")
        kind = str(item["type"])
        kept = {k: v for k, v in message.items()
                if k not in (*c.MEDIA, "caption", "caption_entities", "text", "entities")}
        out = kept | {kind: c.media(self.world, kind, item.get("media"), uploads, item)}
        return out | c.formatted(item, "caption", "caption_entities")

    def _delete(self, params: dict[str, Any], ids: list[Any], strict: bool) -> bool:
        chat = self._chat(params)
        for message_id in ids:
            if chat.live(int(message_id)) is None:
                if strict:
                    raise ApiError(400, "Bad Request: message to delete not found")
                continue
            self.world.delete_message(chat, int(message_id))
        return True

    # --- buttons, membership, topics, pins ----------------------------------------------------

    def _answer_query(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat_id = self._queries.pop(str(params.get("callback_query_id", "")), None)
        if chat_id is None:
            raise ApiError(400, _QUERY_GONE)
        if params.get("text"):
            self.world.emit("toast", chat=chat_id, text=str(params["text"]),
                            alert=bool(params.get("show_alert")))
        return True

    def _leave(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat = self._chat(params)
        if chat.person is not None:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private "
                                "chats")
        chat.bot_is_member = False
        self.world.chat_changed(chat)
        return True

    def _topic(self, params: dict[str, Any]) -> tuple[Chat, dict[str, Any]]:
        chat = self._writable(params)
        topic = chat.topics.get(_int(params, "message_thread_id"))
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
        self.world.add_message(chat, {"forum_topic_created": {"name": name, "icon_color": color}},
                               self.world.bot_user, thread)
        return dict(topic)

    def _edit_topic(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat, topic = self._topic(params)
        if params.get("name"):
            topic["name"] = str(params["name"])
        self.world.chat_changed(chat)
        self.world.add_message(chat, {"forum_topic_edited": {"name": topic["name"]}},
                               self.world.bot_user, topic["message_thread_id"])
        return True

    def _topic_state(self, params: dict[str, Any], service: str, closed: bool) -> bool:
        chat, topic = self._topic(params)
        topic["is_closed"] = closed
        self.world.chat_changed(chat)
        self.world.add_message(chat, {service: {}}, self.world.bot_user,
                               topic["message_thread_id"])
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
        message = chat.live(_int(params, "message_id"))
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
            chat.pinned = [m for m in chat.pinned if m != _int(params, "message_id")]
        self.world.chat_changed(chat)
        return True

    def _react(self, params: dict[str, Any], uploads: Uploads) -> bool:
        chat = self._chat(params)
        message = chat.live(_int(params, "message_id"))
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
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return self._chat(params).info() | {"accent_color_id": 0, "max_reaction_count": 11,
                                             "accepted_gift_types": gifts}

    def _get_member(self, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        chat = self._chat(params)
        user_id = _int(params, "user_id")
        if user_id == self.world.bot_user["id"]:
            return self._admin() if chat.bot_is_member else {
                "status": "left", "user": self.world.bot_user}
        person = self.world.people.get(user_id)
        if person is None:
            raise ApiError(400, "Bad Request: user not found")
        status = "member" if user_id in chat.members else "left"
        return {"status": status, "user": person.user()}

    def _get_file(self, params: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
        stored = self.world.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                "file_size": len(stored.data), "file_path": stored.path}

    def _other(self, method: str, params: dict[str, Any]) -> bool:
        """A method the demo does not draw: it succeeds, and its chat shows that it was called."""
        raw = str(params.get("chat_id", ""))
        if raw.lstrip("-").isdigit() and int(raw) in self.world.chats:
            self.world.emit("call", chat=int(raw), method=method)
        return True
