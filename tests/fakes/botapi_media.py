"""Sending voice notes, videos, audio and round videos: uploads are stored, so that tests can
read exactly what reached a chat (`FakeBotApi.store.files[file_id].data`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.botapi_methods import _file_from, _send, caption_content, handler
from tests.fakes.botapi_validate import Upload
from tests.fakes.spec import Definition

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotApi

# method -> (parameter and message field, file path prefix, extension, default type)
_KINDS = {
    "sendVoice": ("voice", "ogg", "audio/ogg"),
    "sendVideo": ("video", "mp4", "video/mp4"),
    "sendAudio": ("audio", "mp3", "audio/mpeg"),
    "sendVideoNote": ("video_note", "mp4", "video/mp4"),
}


def _media_handler(method: str) -> None:
    kind, ext, mime = _KINDS[method]

    @handler(method)
    async def send(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
        """Store the file and send a message carrying it."""
        value = params[kind]
        stored = _file_from(api, value, kind, ext, mime)
        obj: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "duration": 1,
        }
        if kind == "video_note":
            obj["length"] = 240
        elif kind == "video":
            obj |= {"width": 640, "height": 360}
        if kind != "video_note":
            obj["mime_type"] = value.content_type if isinstance(value, Upload) else mime
        content = {kind: obj}
        if kind != "video_note":
            content |= caption_content(params)
        return _send(api, params, content)


for _method in _KINDS:
    _media_handler(_method)
