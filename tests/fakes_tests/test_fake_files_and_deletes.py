"""The fake's file and deletion limits: getFile's 20 MB, photo uploads, deleteMessages' 1-100
ids and Telegram's 48 hours."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from telegram import Bot
from telegram.error import BadRequest

from tests.fakes import FakeBotApi, Upload

GROUP = -1001234567890


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size).save(out, "JPEG")
    return out.getvalue()


async def test_get_file_refuses_files_over_20_mb(fake: FakeBotApi, bot: Bot) -> None:
    small = fake.store.add_file(b"ok", "document", "pdf", "application/pdf")
    big = fake.store.add_file(b"stand-in", "video", "mp4", "video/mp4")
    big.declared_size = 20 * 1024 * 1024 + 1
    assert (await bot.get_file(small.file_id)).file_size == 2
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(big.file_id)


async def test_photo_uploads_keep_telegrams_proportions_and_uploads_are_kept(
    fake: FakeBotApi, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(GROUP, _jpeg((2100, 100)))
    sent = await bot.send_voice(GROUP, b"OggS voice", caption="bukti 2")
    assert sent.voice is not None and sent.caption == "bukti 2"
    assert fake.store.files[sent.voice.file_id].data == b"OggS voice"
    (call,) = [c for c in fake.calls_for("sendVoice") if c.ok]
    assert isinstance(call.params["voice"], Upload)


async def test_delete_messages_takes_1_to_100_ids_within_48_hours(
    fake: FakeBotApi, bot: Bot
) -> None:
    user = fake.user(user_id=77, started=True)
    ids = [(await bot.send_message(user.id, f"m{n}")).message_id for n in range(3)]
    with pytest.raises(BadRequest):
        await bot.delete_messages(user.id, [])
    with pytest.raises(BadRequest):
        await bot.delete_messages(user.id, list(range(1, 102)))
    assert await bot.delete_messages(user.id, [ids[0], 999])  # unknown ids are skipped
    assert [m["text"] for m in fake.messages_in(user.id)] == ["m1", "m2"]
    fake.store.wall_clock = lambda: time.time() + 48 * 3600
    with pytest.raises(BadRequest, match="can't be deleted"):
        await bot.delete_messages(user.id, ids[1:])
    with pytest.raises(BadRequest, match="can't be deleted"):
        await bot.delete_message(user.id, ids[1])
    assert len(fake.messages_in(user.id)) == 2  # nothing deleted
