"""Implementations of the Bot API methods the fake answers with realistic results."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PIL import Image

from tests.fakes.botapi_state import ChatState, StoredFile, message_content
from tests.fakes.botapi_validate import Upload, format_text
from tests.fakes.errors import ApiError, bad_request
from tests.fakes.spec import Definition

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotApi

Handler = Callable[["FakeBotApi", Definition, dict[str, Any]], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register a method implementation under its lower-cased name."""

    def register(fn: Handler) -> Handler:
        """Add `fn` to HANDLERS."""
        HANDLERS[name.lower()] = fn
        return fn

    return register


def inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """The inline keyboard of the call, if any."""
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None


def _with_entities(key: str, text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Content dict with a text/caption and its entities (omitted when empty)."""
    content: dict[str, Any] = {key: text}
    if entities:
        content["entities" if key == "text" else "caption_entities"] = entities
    return content


def caption_content(params: dict[str, Any]) -> dict[str, Any]:
    """Caption content of a media message."""
    formatted = format_text(params, caption=True)
    if formatted is None or not formatted.text:
        return {}
    return _with_entities("caption", formatted.text, formatted.entities)


def _check_reply(api: FakeBotApi, chat_id: int, params: dict[str, Any]) -> None:
    """reply_parameters must point at an existing message unless allowed otherwise."""
    reply = params.get("reply_parameters")
    if not reply or reply.get("allow_sending_without_reply"):
        return
    if api.store.get_message(reply.get("chat_id", chat_id), reply["message_id"]) is None:
        raise bad_request("message to be replied not found")


# Telegram's upload limits: photos 10 MB, other files 50 MB.
UPLOAD_MAX = {"photo": 10 * 1024 * 1024}
UPLOAD_MAX_OTHER = 50 * 1024 * 1024


def _file_from(api: FakeBotApi, value: Any, kind: str, ext: str, mime: str) -> StoredFile:
    """Resolve an upload, a known file_id or an HTTP URL to a stored file."""
    if isinstance(value, Upload):
        if len(value.data) > UPLOAD_MAX.get(kind, UPLOAD_MAX_OTHER):
            raise ApiError(413, "Request Entity Too Large")
        stored = api.store.add_file(value.data, kind, ext, value.content_type or mime)
        stored.upload_name = value.filename
        return stored
    if isinstance(value, str) and value in api.store.files:
        return api.store.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return api.store.add_file(b"", kind, ext, mime)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _envelope(api: FakeBotApi, state: ChatState, params: dict[str, Any]) -> dict[str, Any]:
    """The topic a message goes to (checked like Telegram) and the message it replies to."""
    envelope: dict[str, Any] = {}
    thread = params.get("message_thread_id")
    if thread is not None:
        if not state.is_forum or thread not in state.topics:
            raise bad_request("message thread not found")
        envelope |= {"message_thread_id": thread, "is_topic_message": True}
    reply = params.get("reply_parameters")
    if reply:
        target = api.store.get_message(reply.get("chat_id", state.chat["id"]), reply["message_id"])
        if target is not None:
            envelope["reply_to_message"] = {
                k: v for k, v in target.items() if k != "reply_to_message"
            }
    return envelope


def _send(api: FakeBotApi, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    """Store a bot message in params['chat_id'] (in its topic) and return it."""
    state = api.store.chat(params["chat_id"])
    _check_reply(api, state.chat["id"], params)
    envelope = _envelope(api, state, params)
    return api.store.add_message(
        state, api.bot_user, {**content, **envelope}, params.get("reply_markup")
    )


@handler("sendMessage")
async def send_message(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """sendMessage: text parsed with parse_mode, markup kept."""
    formatted = format_text(params)
    assert formatted is not None
    return _send(api, params, _with_entities("text", formatted.text, formatted.entities))


def _check_photo(data: bytes) -> None:
    """Telegram's photo limits: width + height at most 10000, a ratio of at most 20."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:  # not an image Pillow reads: the fake takes it as it is
        return
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")


@handler("sendPhoto")
async def send_photo(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """sendPhoto: two PhotoSize entries backed by the uploaded bytes."""
    caption = caption_content(params)
    if isinstance(params["photo"], Upload):
        _check_photo(params["photo"].data)
    stored = _file_from(api, params["photo"], "photo", "jpg", "image/jpeg")
    small = api.store.add_file(stored.data, "photo", "jpg", "image/jpeg")
    sizes = [
        {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": len(f.data),
            "width": w,
            "height": h,
        }
        for f, w, h in ((small, 90, 68), (stored, 1280, 960))
    ]
    return _send(api, params, {"photo": sizes, **caption})


@handler("sendDocument")
async def send_document(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """sendDocument: a Document with the uploaded name and type."""
    caption = caption_content(params)
    value = params["document"]
    stored = _file_from(api, value, "document", "bin", "application/octet-stream")
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "mime_type": stored.mime_type,
    }
    if isinstance(value, Upload) and value.filename:
        document["file_name"] = value.filename
    return _send(api, params, {"document": document, **caption})


@handler("sendLocation")
async def send_location(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """sendLocation: a Location message."""
    location = {"latitude": params["latitude"], "longitude": params["longitude"]}
    return _send(api, params, {"location": location})


_MEDIA_KINDS = {
    "photo": ("photo", "jpg", "image/jpeg"),
    "video": ("video", "mp4", "video/mp4"),
    "audio": ("audio", "mp3", "audio/mpeg"),
    "document": ("document", "bin", "application/octet-stream"),
}


@handler("sendMediaGroup")
async def send_media_group(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """sendMediaGroup: 2-10 items, one message each, sharing a media_group_id."""
    media = params["media"]
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the group: must be 2-10")
    kinds = {item.get("type") for item in media}
    if len(kinds) > 1 and not kinds <= {"photo", "video"}:
        raise bad_request("documents and audio can't be mixed with other media types")
    state = api.store.chat(params["chat_id"])
    _check_reply(api, state.chat["id"], params)
    envelope = _envelope(api, state, params)
    group_id = str(13_000_000_000_000_000 + len(api.calls))
    sent = []
    for item in media:
        kind, ext, mime = _MEDIA_KINDS.get(item.get("type", ""), _MEDIA_KINDS["document"])
        stored = _file_from(api, item["media"], kind, ext, mime)
        obj = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if kind == "photo":
            content: dict[str, Any] = {"photo": [{**obj, "width": 1280, "height": 960}]}
        elif kind == "video":
            content = {"video": {**obj, "width": 1280, "height": 720, "duration": 1}}
        elif kind == "audio":
            content = {"audio": {**obj, "duration": 1}}
        else:
            content = {"document": {**obj, "mime_type": stored.mime_type}}
        content.update(caption_content(item), media_group_id=group_id, **envelope)
        sent.append(api.store.add_message(state, api.bot_user, content))
    return sent


def _source(api: FakeBotApi, params: dict[str, Any], what: str) -> dict[str, Any]:
    """The message copied or forwarded."""
    source = api.store.get_message(params["from_chat_id"], params["message_id"])
    if source is None:
        raise bad_request(f"message to {what} not found")
    return source


@handler("copyMessage")
async def copy_message(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """copyMessage: same content (caption replaceable), returns MessageId."""
    content = message_content(_source(api, params, "copy"))
    if "caption" in params and "text" not in content:
        content.pop("caption_entities", None)
        content.pop("caption", None)
        content.update(caption_content(params))
    sent = _send(api, params, content)
    return {"message_id": sent["message_id"]}


@handler("forwardMessage")
async def forward_message(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """forwardMessage: same content with a forward_origin."""
    source = _source(api, params, "forward")
    origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
    return _send(api, params, {**message_content(source), "forward_origin": origin})


async def generic(api: FakeBotApi, method: Definition, params: dict[str, Any]) -> Any:
    """Any other valid method: a bare Message for sends to a chat, else True."""
    if method.returns == ("Message",) and "chat_id" in params:
        return _send(api, params, caption_content(params))
    return True
