"""Methods that make, change and remove messages: send*, copy*, forward*, edit*, delete*."""

from __future__ import annotations

from typing import Any

from bot.demo.standin import content as c
from bot.demo.standin.base import ApiBase, Uploads, param_int
from bot.demo.standin.errors import ApiError
from bot.demo.standin.world import Chat

_SEND_KINDS = {"message": "text", "videonote": "video_note"}
_COPIED = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    *c.MEDIA,
    "location",
    "venue",
    "contact",
    "dice",
    "poll",
    "has_media_spoiler",
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


class MessageMethods(ApiBase):
    """Messages as Telegram keeps them, in the world's chats."""

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
            place = {
                "latitude": float(params.get("latitude", 0)),
                "longitude": float(params.get("longitude", 0)),
            }
            if kind == "location":
                return {"location": place}
            return {
                "location": place,
                "venue": {
                    "location": place,
                    "title": params.get("title", ""),
                    "address": params.get("address", ""),
                },
            }
        if kind == "contact":
            return {
                "contact": {
                    k: params[k] for k in ("phone_number", "first_name", "last_name") if k in params
                }
            }
        if kind == "dice":
            return {"dice": {"emoji": params.get("emoji") or "🎲", "value": 3}}
        if kind == "poll":
            options = [
                {"text": o if isinstance(o, str) else str(o.get("text", "")), "voter_count": 0}
                for o in params.get("options") or []
            ]
            return {
                "poll": {
                    "id": str(next(self._query_ids)),
                    "question": params.get("question", ""),
                    "options": options,
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                }
            }
        return {}

    def _markup(self, chat: Chat, params: dict[str, Any], out: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        inline = c.inline_markup(markup)
        if inline is not None:
            out["reply_markup"] = inline
        elif isinstance(markup, dict) and ("keyboard" in markup or "remove_keyboard" in markup):
            chat.reply_keyboard = markup if "keyboard" in markup else None
            self.world.chat_changed(chat)

    def _post(
        self, chat: Chat, content: dict[str, Any], params: dict[str, Any], **meta: Any
    ) -> dict[str, Any]:
        """Put a bot message with `content` into `chat`, with the call's keyboard and options."""
        thread = self._thread(chat, params)
        self._markup(chat, params, content)
        if params.get("protect_content"):
            content["has_protected_content"] = True
        reply = params.get("reply_parameters")
        reply_to = (
            reply.get("message_id")
            if isinstance(reply, dict)
            else params.get("reply_to_message_id")
        )
        target = chat.live(int(str(reply_to))) if str(reply_to or "").isdigit() else None
        if target is not None:
            content["reply_to_message"] = {
                k: v for k, v in target.items() if k != "reply_to_message"
            }
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
            sent.append(
                self._post(chat, content, {k: v for k, v in params.items() if k != "reply_markup"})
            )
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
                content["forward_origin"] = {
                    "type": "user",
                    "sender_user": original["from"],
                    "date": original["date"],
                }
            elif "caption" in params:
                content = {
                    k: v for k, v in content.items() if k not in ("caption", "caption_entities")
                }
                content |= c.formatted(params, "caption", "caption_entities")
            message = self._post(
                chat,
                content,
                params if not forward else {k: v for k, v in params.items() if k != "reply_markup"},
                **{"forwarded" if forward else "copied": True},
            )
            results.append(message if forward else {"message_id": message["message_id"]})
        return results

    def _forward(self, params: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._copy(params, [param_int(params, "message_id")], True)[0]
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
        old = chat.live(param_int(params, "message_id"))
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
            new["location"] = {
                "latitude": float(params.get("latitude", 0)),
                "longitude": float(params.get("longitude", 0)),
            }
        inline = c.inline_markup(params.get("reply_markup"))
        if inline is not None:
            new["reply_markup"] = inline
        if new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise ApiError(400, _NOT_MODIFIED)
        self.world.replace_message(chat, new)
        return new

    def _new_media(
        self, message: dict[str, Any], params: dict[str, Any], uploads: Uploads
    ) -> dict[str, Any]:
        item = params.get("media")
        if not isinstance(item, dict) or item.get("type") not in c.MEDIA:
            raise ApiError(400, "Bad Request: wrong media")
        kind = str(item["type"])
        kept = {
            k: v
            for k, v in message.items()
            if k not in (*c.MEDIA, "caption", "caption_entities", "text", "entities")
        }
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
