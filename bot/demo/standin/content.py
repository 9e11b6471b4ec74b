"""What a Bot API call puts in a message: text with entities, media, places, keyboards.

Parameters arrive decoded (`params.py`); uploads are stored in the world as files. Everything a
send or edit method can carry becomes the fields of a Telegram `Message`, so the page renders one
shape whatever the method was.
"""

from __future__ import annotations

import struct
from typing import Any

from bot.demo.standin.errors import ApiError
from bot.demo.standin.tghtml import EntityError, parse_html, utf16_len, with_auto_entities
from bot.demo.standin.world import StoredFile, World

CALLBACK_DATA_LIMIT = 64
MEDIA = ("photo", "document", "voice", "audio", "video", "animation", "video_note", "sticker")
_MIME = {
    "photo": "image/jpeg",
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "animation": "video/mp4",
    "video_note": "video/mp4",
    "sticker": "image/webp",
    "document": "application/octet-stream",
}
_SUFFIX = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "audio/ogg": ".ogg",
    "video/mp4": ".mp4",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}


def formatted(
    params: dict[str, Any], text_key: str = "text", entities_key: str = "entities"
) -> dict[str, Any]:
    """{text_key: plain text, entities_key: entities} from the text and its parse_mode."""
    raw = params.get(text_key)
    if raw is None:
        return {}
    text = str(raw)
    mode = str(params.get("parse_mode") or "").lower()
    entities: list[dict[str, Any]] = []
    if mode == "html":
        try:
            text, entities = parse_html(text)
        except EntityError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    elif isinstance(params.get(entities_key), list):
        entities = list(params[entities_key])
    # MarkdownV2 is shown as sent: the bot speaks HTML, and a raw view is honest about it.
    if not text.strip() and text_key == "text":
        raise ApiError(400, "Bad Request: message text is empty")
    out: dict[str, Any] = {text_key: text}
    entities = with_auto_entities(text, entities)
    if entities:
        out[entities_key] = entities
    return out


def inline_markup(markup: Any) -> dict[str, Any] | None:
    """An inline keyboard checked as Telegram checks it, or None for other markups."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: inline keyboard must be an array of arrays")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise ApiError(400, "Bad Request: inline keyboard button text is empty")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return {"inline_keyboard": rows}


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, or None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


def _stored_media(kind: str, stored: StoredFile, params: dict[str, Any]) -> Any:
    base = {
        "file_id": stored.file_id,
        "file_unique_id": stored.unique_id,
        "file_size": len(stored.data),
    }
    if kind == "photo":
        width, height = png_size(stored.data) or (640, 480)
        return [base | {"width": width, "height": height}]
    if kind in ("voice", "audio"):
        return base | {"duration": int(params.get("duration") or 1), "mime_type": stored.mime_type}
    if kind in ("video", "animation"):
        return base | {
            "duration": int(params.get("duration") or 1),
            "width": 320,
            "height": 240,
            "mime_type": stored.mime_type,
        }
    if kind == "video_note":
        return base | {"duration": int(params.get("duration") or 1), "length": 240}
    if kind == "sticker":
        return base | {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    name = str(params.get("_filename") or stored.path.rsplit("/", 1)[-1])
    return base | {"file_name": name, "mime_type": stored.mime_type}


def media(
    world: World,
    kind: str,
    value: Any,
    uploads: dict[str, tuple[str, str, bytes]],
    params: dict[str, Any],
) -> Any:
    """The message field for `kind` from an upload, an `attach://` name or a known file id."""
    upload = None
    if isinstance(value, str) and value.startswith("attach://"):
        upload = uploads.get(value.removeprefix("attach://"))
    elif kind in uploads:  # a single file goes as a multipart field named after the parameter
        upload = uploads[kind]
    if upload is not None:
        filename, mime, data = upload
        mime = mime if mime and mime != "application/octet-stream" else _MIME[kind]
        if kind == "photo" and png_size(data):
            mime = "image/png"
        stored = world.store_file(data, mime, kind + "s", _SUFFIX.get(mime, ""))
        return _stored_media(kind, stored, params | {"_filename": filename})
    if isinstance(value, str) and value in world.files:
        return _stored_media(kind, world.files[value], params)
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        raise ApiError(400, "Bad Request: the demo does not fetch files from the internet")
    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def media_of(message: dict[str, Any]) -> tuple[str, Any] | None:
    """The kind and field of the media a message carries, if any."""
    for kind in MEDIA:
        if kind in message:
            return kind, message[kind]
    return None


def caption_fits(content: dict[str, Any]) -> None:
    """Telegram's caption limit, the one limit that changes how the bot must send evidence."""
    if utf16_len(str(content.get("caption", ""))) > 1024:
        raise ApiError(400, "Bad Request: message caption is too long")
