"""The fake Bot API answers PTB and raw HTTP like Telegram: validation, limits, faults, state."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    InputMediaVideo,
    MessageEntity,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from tests.fakes import FakeBotApi, FakeClock, Upload

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)
GROUP = -1001234567890
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Ya, lanjut", callback_data="intake:yes")],
        [InlineKeyboardButton("Tidak", callback_data="intake:no")],
    ]
)


async def raw(fake: FakeBotApi, method: str, **kwargs: Any) -> httpx.Response:
    """POST to the fake with raw httpx (json=..., data=..., params=...)."""
    async with httpx.AsyncClient(base_url=fake.api_url + fake.token) as client:
        return await client.post(f"/{method}", **kwargs)


async def test_send_message_with_inline_keyboard_is_recorded(fake: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(
        GROUP,
        "<b>Laporan</b> baru &amp; <i>rahasia</i>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    assert sent.text == "Laporan baru & rahasia"
    assert sent.message_id == 1
    assert sent.chat.type == "supergroup"
    assert sent.from_user is not None and sent.from_user.id == 123456
    assert sent.entities == (
        MessageEntity("bold", 0, 7),
        MessageEntity("italic", 15, 7),
    )
    assert sent.reply_markup == KEYBOARD
    (call,) = fake.calls_for("sendMessage")
    assert call.status == 200
    assert call.params["chat_id"] == GROUP
    assert call.params["reply_markup"]["inline_keyboard"][1][0]["callback_data"] == "intake:no"
    (stored,) = fake.messages_in(GROUP)
    assert stored["text"] == "Laporan baru & rahasia"
    assert stored["reply_markup"] == KEYBOARD.to_dict()
    second = await bot.send_message(GROUP, "dua")
    assert second.message_id == 2


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
        ("Ali & Budi", 'unescaped "&"'),
        ("1 < 2", "Unsupported start tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("&nbsp;", "Unsupported HTML entity"),
    ],
)
async def test_bad_html_is_rejected(bot: Bot, html: str, detail: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parse entities") as err:
        await bot.send_message(GROUP, html, parse_mode="HTML")
    assert detail.lower() in err.value.message.lower()


async def test_text_length_is_counted_after_entity_parsing(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(GROUP, "x" * 4097)
    sent = await bot.send_message(GROUP, "&amp;" * 4096, parse_mode="HTML")
    assert sent.text == "&" * 4096
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(GROUP, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(GROUP, b"jpeg", caption="c" * 1025)


async def test_callback_data_is_limited_to_64_bytes(bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(GROUP, "ok", reply_markup=ok)
    for data in ("x" * 65, "é" * 33, ""):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data=data)]])
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(GROUP, "no", reply_markup=markup)


async def test_missing_unknown_and_mistyped_params_are_400(fake: FakeBotApi) -> None:
    missing = await raw(fake, "sendMessage", data={"text": "halo"})
    assert missing.status_code == 400
    assert missing.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat_id is empty",
    }
    typo = await raw(fake, "sendMessage", json={"chat_id": GROUP, "text": "x", "parse_mod": "HTML"})
    assert typo.json()["description"] == "Bad Request: unknown parameter parse_mod"
    mistyped = await raw(fake, "sendMessage", json={"chat_id": GROUP, "text": 5})
    assert mistyped.status_code == 400
    assert "must be of type String" in mistyped.json()["description"]
    bad_mode = await raw(
        fake, "sendMessage", json={"chat_id": GROUP, "text": "x", "parse_mode": "html5"}
    )
    assert bad_mode.json()["description"] == "Bad Request: unsupported parse_mode"


async def test_nested_types_are_validated_recursively(fake: FakeBotApi) -> None:
    async def send(markup: object) -> str:
        body = {"chat_id": GROUP, "text": "x", "reply_markup": json.dumps(markup)}
        response = await raw(fake, "sendMessage", data=body)
        return str(response.json().get("description", "ok"))

    button = {"text": "A", "callback_data": "a"}
    assert await send({"inline_keyboard": [[button]]}) == "ok"
    assert "unknown field" in await send({"inline_keyboard": [[{**button, "colour": "red"}]]})
    assert "must be of type String" in await send(
        {"inline_keyboard": [[{"text": 1, "callback_data": "a"}]]}
    )
    assert "text buttons are unallowed" in await send({"inline_keyboard": [[{"text": "A"}]]})
    assert "non-empty" in await send({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]})
    assert "type Array of InlineKeyboardButton" in await send({"inline_keyboard": [button]})
    assert await send({"keyboard": [[{"text": "Kirim"}]], "resize_keyboard": True}) == "ok"


async def test_http_surface_token_method_and_encodings(fake: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{fake.url}/bot1:WRONG/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        unknown = await client.post(f"{fake.api_url}{fake.token}/sendTelepathy")
        assert unknown.status_code == 404
        assert unknown.json()["description"] == "Not Found"
        upper = await client.get(f"{fake.api_url}{fake.token}/GETME")
        assert upper.json()["result"]["is_bot"] is True
        query = await client.get(
            f"{fake.api_url}{fake.token}/sendMessage", params={"chat_id": GROUP, "text": "q"}
        )
        assert query.json()["result"]["text"] == "q"
    assert [c.method for c in fake.calls] == ["getMe", "sendMessage"]


async def test_flood_limits_answer_429_and_are_recorded(
    fake: FakeBotApi, bot: Bot, clock: FakeClock
) -> None:
    user = fake.user(user_id=777)
    await user.send_text("/start")
    for n in range(3):
        await bot.send_message(user.id, f"burst {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "one too many")
    (violation,) = fake.violations
    assert (violation.chat_id, violation.scope, violation.retry_after) == (777, "chat", 1)
    assert fake.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    clock.advance(1.0)
    await bot.send_message(user.id, "after waiting")
    for n in range(20):
        await bot.send_message(GROUP, f"group {n}")
        clock.advance(0.1)
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "21st within a minute")
    assert fake.violations[-1].scope == "group" and fake.violations[-1].retry_after == 58
    fake.rate_limits = False
    await bot.send_message(GROUP, "limits off")


async def test_global_limit_is_30_per_second(fake: FakeBotApi, bot: Bot) -> None:
    for n in range(30):
        await bot.send_message(-100 - n, "broadcast")
    with pytest.raises(RetryAfter):
        await bot.send_message(-200, "31st")
    assert fake.violations[-1].scope == "global"


async def test_fail_next_injects_http_errors(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_next("sendMessage", 500)
    with pytest.raises(NetworkError, match=r"(?i)Internal Server Error") as err:
        await bot.send_message(GROUP, "x")
    assert not isinstance(err.value, BadRequest)
    assert (await bot.send_message(GROUP, "retry")).message_id == 1
    fake.fail_next("sendmessage", 502)
    with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
        await bot.send_message(GROUP, "x")
    fake.fail_next("*", 429, retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.get_me()
    assert "7" in retry.value.message
    assert [c.status for c in fake.calls if c.injected] == [500, 502, 429]
    assert fake.violations == []


async def test_dropped_connection_reaches_client_as_network_error(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(GROUP, "lost")
    assert fake.messages_in(GROUP) == []
    fake.drop_next("sendMessage", after_processing=True)
    with pytest.raises(NetworkError):
        await bot.send_message(GROUP, "sent but unanswered")
    assert [m["text"] for m in fake.messages_in(GROUP)] == ["sent but unanswered"]
    async with httpx.AsyncClient() as client:
        fake.drop_next("getMe")
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(f"{fake.api_url}{fake.token}/getMe")


async def test_edit_not_found_and_not_modified(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=GROUP, message_id=42)
    sent = await bot.send_message(GROUP, "<b>Pilih</b>", parse_mode="HTML", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>Pilih</b>",
            chat_id=GROUP,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=KEYBOARD,
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(GROUP, sent.message_id, reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Pilih lagi", chat_id=GROUP, message_id=sent.message_id)
    assert edited.text == "Pilih lagi" and edited.edit_date is not None
    (stored,) = fake.messages_in(GROUP)
    assert stored["text"] == "Pilih lagi"
    assert "reply_markup" not in stored  # editMessageText without reply_markup drops it
    await bot.delete_message(GROUP, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(GROUP, sent.message_id)


async def test_private_chats_need_a_user_who_wrote_first(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "siapa?")
    user = fake.user(user_id=5150, first_name="Rina")
    with pytest.raises(Forbidden, match=r"(?i)initiate conversation"):
        await bot.send_message(user.id, "halo")
    await user.send_text("/start")
    sent = await bot.send_message(user.id, "halo")
    assert sent.chat.type == "private" and sent.chat.first_name == "Rina"
    assert sent.message_id == 2  # the user's /start was message 1 of this chat
    assert [m["text"] for m in fake.chat_history(user.id)] == ["/start", "halo"]
    assert fake.chat_history(user.id)[0]["from"]["first_name"] == "Rina"
    started = fake.user(user_id=5151, started=True)
    await bot.send_message(started.id, "sudah pernah mulai")
    user.block()
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(user.id, "masih di sana?")
    await bot.leave_chat(GROUP)
    with pytest.raises(Forbidden, match=r"(?i)not a member"):
        await bot.send_message(GROUP, "x")


async def test_photo_upload_get_file_download_and_copy(fake: FakeBotApi, bot: Bot) -> None:
    data = b"\xff\xd8 binary\r\n--with CRLF\r\n\x00\xff"
    sent = await bot.send_photo(
        GROUP, data, caption="<i>bukti</i>", parse_mode="HTML", reply_markup=KEYBOARD
    )
    assert sent.caption == "bukti" and len(sent.photo) == 2
    assert sent.reply_markup == KEYBOARD  # JSON-encoded field inside multipart/form-data
    assert isinstance(fake.calls_for("sendPhoto")[0].params["photo"], Upload)
    tg_file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await tg_file.download_as_bytearray()) == data
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")
    user = fake.user(user_id=99)
    delivery = await user.send_document(caption="kontrak")
    copied = await bot.copy_message(GROUP, user.id, delivery.update["message"]["message_id"])
    copy = fake.messages_in(GROUP)[-1]
    assert copy["message_id"] == copied.message_id and copy["document"]["file_name"] == "bukti.pdf"
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(GROUP, user.id, 999)


async def test_media_group_uploads_via_attach_uris(fake: FakeBotApi, bot: Bot) -> None:
    album = [
        InputMediaPhoto(b"photo-1", caption="<b>1</b>", parse_mode="HTML"),
        InputMediaVideo(b"video-2"),
    ]
    first, second = await bot.send_media_group(GROUP, album)
    assert first.caption == "1" and first.media_group_id == second.media_group_id
    assert second.video is not None
    params = fake.calls_for("sendMediaGroup")[0].params
    assert isinstance(params["media"][0]["media"], Upload)
    tg_file = await bot.get_file(first.photo[-1].file_id)
    assert bytes(await tg_file.download_as_bytearray()) == b"photo-1"
    with pytest.raises(BadRequest, match=r"(?i)wrong number of media"):
        await bot.send_media_group(GROUP, album[:1])


async def test_commands_webhook_info_and_generic_methods(fake: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Mulai"), ("lapor", "Buat laporan")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "lapor"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Start!", "x")])
    assert await bot.send_chat_action(GROUP, "typing") is True
    info = await bot.get_webhook_info()
    assert info.url == ""
    with pytest.raises(BadRequest, match=r"(?i)secret token"):
        await bot.set_webhook("https://example.org/hook", secret_token="not allowed!")


async def test_wait_for_times_out_with_a_useful_message(fake: FakeBotApi) -> None:
    with pytest.raises(AssertionError, match=r"(?i)timed out after 0.05s waiting for nothing"):
        await fake.wait_for(lambda: False, timeout=0.05, what="nothing")


async def test_reachable_from_a_subprocess_over_loopback(fake: FakeBotApi) -> None:
    script = (
        "import httpx, sys; "
        "r = httpx.post(sys.argv[1] + '/sendMessage', data={'chat_id': -5, 'text': 'dari luar'}); "
        "print(r.status_code)"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        f"{fake.api_url}{fake.token}",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 10)
    assert out.strip() == b"200"
    assert [m["text"] for m in fake.messages_in(-5)] == ["dari luar"]
