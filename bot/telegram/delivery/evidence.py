"""Passing evidence on to the task force: one outbox row per piece (a file, a place, an album).

The row's method is our own, `sendEvidence`; the transport hands it here. Each file is fetched
from Telegram (`getFile`, within its 20 MB), its SHA-256 and size are kept with the ticket, and
it is uploaded anew under a neutral name: images re-encoded without any metadata (images.py),
other files as they are. Nothing is forwarded or copied, so no sender, file name or caption of
the reporter's travels with it, and it still works after the reporter deleted the chat. The
bytes live in memory for the length of one send.

Crash safety: the row is marked sent only after Telegram took the upload, so a crash repeats at
most that one piece; recording the hash again is harmless.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
from dataclasses import dataclass, replace
from typing import Any

from telegram import (
    Bot,
    InputFile,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest

from bot.infra.clock import Clock
from bot.telegram.delivery.images import CannotClean, NotAnImage, clean_jpeg, looks_like_image
from flows.domain.report import DOWNLOAD_LIMIT
from storage.db import Database
from storage.repos.pipeline.outbox import EVIDENCE
from storage.repos.triage import evidence

__all__ = ["CARD", "EVIDENCE", "EvidenceSender", "WaitingForCard", "evidence_lane"]

log = logging.getLogger(__name__)

CARD = "card"  # the parameter the card's message id is filled into
PHOTO_SIDE = 4096  # photos are scaled to fit (Telegram shows at most 2560 anyway)


def evidence_lane(group_key: str) -> str:
    """The outbox key of the group's evidence: its own order, so that evidence never holds up
    a card; the transport counts it against the group's limits all the same."""
    return hashlib.sha256(f"evidence:{group_key}".encode()).hexdigest()


class WaitingForCard(Exception):
    """The ticket's card is not in the group yet: evidence follows it, never precedes it."""


@dataclass(frozen=True)
class _Ready:
    """One item ready to upload (or withheld, with the note that says why)."""

    item: dict[str, Any]
    upload: bytes | None
    as_kind: str
    caption: str
    note: str | None = None
    filename: str = ""


class EvidenceSender:
    """Sends one piece of evidence: fetch, hash and record, clean, upload."""

    def __init__(self, bot: Bot, db: Database, clock: Clock) -> None:
        self._bot = bot
        self._db = db
        self._clock = clock

    async def send(self, params: dict[str, Any]) -> Message | tuple[Message, ...]:
        """Send the piece `params` describes (see bot/effects/evidence.py)."""
        if params.get(CARD) is None:
            raise WaitingForCard
        where: dict[str, Any] = {
            "chat_id": params["chat_id"],
            "protect_content": True,
            "reply_parameters": ReplyParameters(
                message_id=int(params[CARD]), allow_sending_without_reply=True
            ),
        }
        if params.get("message_thread_id") is not None:
            where["message_thread_id"] = params["message_thread_id"]
        items: list[dict[str, Any]] = params["items"]
        if items[0]["kind"] == "location":
            item = items[0]
            return await self._bot.send_location(
                latitude=item["latitude"], longitude=item["longitude"], **where
            )
        ready = [await self._prepare(params["ref"], item) for item in items]
        sendable = [r for r in ready if r.upload is not None]
        notes = "\n\n".join(r.note for r in ready if r.note)
        if not sendable:
            return await self._bot.send_message(text=notes, **where)
        if notes:  # what was withheld is said under the first item that goes
            first = sendable[0]
            sendable[0] = _Ready(
                first.item,
                first.upload,
                first.as_kind,
                f"{first.caption}\n\n{notes}"[:1024],
                filename=first.filename,
            )
        if len(sendable) == 1:
            try:
                return await self._single(sendable[0], where)
            except BadRequest:
                if sendable[0].as_kind != "photo":
                    raise
                # Telegram would not take it as a photo (its proportions, say): as a file then.
                return await self._single(replace(sendable[0], as_kind="document"), where)
        media = [_media(r) for r in sendable]
        return await self._bot.send_media_group(media=media, **where)

    async def _prepare(self, reference: str, item: dict[str, Any]) -> _Ready:
        position = item["position"]
        data = await self._fetch(item["file_id"])
        if data is None:
            return _Ready(item, None, "", "", note=item["not_fetched"])
        sha = hashlib.sha256(data).hexdigest()
        async with self._db.transaction() as session:
            await evidence.fetched(
                session,
                reference,
                item["key"],
                sha256=sha,
                size=len(data),
                mime_type=item.get("mime_type"),
                now=self._clock.now(),
            )
        caption = str(item["caption"]).replace("{sha}", sha)
        kind = item["kind"]
        image = kind == "photo" or (
            kind == "document"
            and (
                str(item.get("mime_type") or "").startswith("image/")
                or await asyncio.to_thread(looks_like_image, data)
            )
        )
        if not image:
            name = f"{reference}-{position}{_extension(item.get('mime_type'), kind)}"
            return _Ready(item, data, kind, caption, filename=name)
        try:
            # Decoding takes a while for a large image: off the event loop.
            fit = PHOTO_SIDE if kind == "photo" else None
            clean = await asyncio.to_thread(clean_jpeg, data, fit)
        except (NotAnImage, CannotClean) as exc:
            log.warning("evidence %d of %s: image not cleaned (%s)", position, reference, exc)
            return _Ready(item, None, "", "", note=str(item["not_cleaned"]).replace("{sha}", sha))
        return _Ready(item, clean, kind, caption, filename=f"{reference}-{position}.jpg")

    async def _fetch(self, file_id: str) -> bytes | None:
        """The file's bytes, or None when Telegram will not give them (too big, gone)."""
        try:
            file = await self._bot.get_file(file_id)
        except BadRequest as exc:
            log.warning("evidence not fetched: %s", exc.message)
            return None
        if file.file_size is not None and file.file_size > DOWNLOAD_LIMIT:
            return None
        data = bytes(await file.download_as_bytearray())
        return data if len(data) <= DOWNLOAD_LIMIT else None

    async def _single(self, ready: _Ready, where: dict[str, Any]) -> Message:
        assert ready.upload is not None  # withheld items never get here
        upload, caption = InputFile(ready.upload, filename=ready.filename), ready.caption
        if ready.as_kind == "photo":
            return await self._bot.send_photo(photo=upload, caption=caption, **where)
        if ready.as_kind == "voice":
            return await self._bot.send_voice(voice=upload, caption=caption, **where)
        if ready.as_kind == "video":
            return await self._bot.send_video(video=upload, caption=caption, **where)
        if ready.as_kind == "video_note":  # a round video has no caption
            return await self._bot.send_video_note(video_note=upload, **where)
        if ready.as_kind == "audio":
            return await self._bot.send_audio(audio=upload, caption=caption, **where)
        return await self._bot.send_document(document=upload, caption=caption, **where)


def _media(
    ready: _Ready,
) -> InputMediaPhoto | InputMediaVideo | InputMediaAudio | InputMediaDocument:
    """One album item."""
    assert ready.upload is not None
    data, name, caption = ready.upload, ready.filename, ready.caption
    if ready.as_kind == "photo":
        return InputMediaPhoto(data, caption=caption, filename=name)
    if ready.as_kind == "video":
        return InputMediaVideo(data, caption=caption, filename=name)
    if ready.as_kind == "audio":
        return InputMediaAudio(data, caption=caption, filename=name)
    return InputMediaDocument(data, caption=caption, filename=name)


_DEFAULT_EXTENSIONS = {
    "voice": ".ogg",
    "video": ".mp4",
    "video_note": ".mp4",
    "audio": ".mp3",
    "document": ".bin",
}


def _extension(mime_type: Any, kind: str) -> str:
    """A file name extension for the upload (never the reporter's own file name)."""
    guessed = mimetypes.guess_extension(str(mime_type)) if mime_type else None
    return guessed or _DEFAULT_EXTENSIONS.get(kind, ".bin")
