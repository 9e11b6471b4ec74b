"""Simulated users: realistic updates, getUpdates semantics, webhook delivery, button presses."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes import FakeBotApi, serve_asgi
from tests.fakes_tests.conftest import TOKEN

MENU = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("📝 Buat laporan", callback_data="menu:report")],
        [InlineKeyboardButton("Bantuan", callback_data="menu:help")],
        [InlineKeyboardButton("Bantuan darurat", callback_data="menu:sos")],
        [InlineKeyboardButton("Situs", url="https://example.org")],
    ]
)


async def test_updates_have_bot_api_shape(fake: FakeBotApi, bot: Bot) -> None:
    user = fake.user(user_id=1001, first_name="Siti", last_name="A", username="siti_a")
    await user.send_text("/start kode")
    await user.send_sticker()
    await user.send_photo(caption="foto")
    await user.send_location(4.13, 117.67)
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == list(
        range(updates[0].update_id, updates[0].update_id + 4)
    )
    start = updates[0].message
    assert start is not None and start.text == "/start kode"
    assert start.parse_entities() == {start.entities[0]: "/start"}
    assert start.entities[0].type == "bot_command"
    assert start.chat.type == "private" and start.from_user.username == "siti_a"
    assert updates[1].message.sticker.emoji == "👍"
    photo = updates[2].message.photo[-1]
    assert (await (await bot.get_file(photo.file_id)).download_as_bytearray())[:2] == b"\xff\xd8"
    assert updates[3].message.location.latitude == pytest.approx(4.13)
    assert [u.message.message_id for u in updates] == [1, 2, 3, 4]


async def test_get_updates_offset_limit_and_allowed_updates(fake: FakeBotApi, bot: Bot) -> None:
    user = fake.user()
    for text in ("satu", "dua", "tiga"):
        await user.send_text(text)
    first = await bot.get_updates(limit=1)
    assert [u.message.text for u in first] == ["satu"]
    again = await bot.get_updates(limit=5)
    assert len(again) == 3  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest] == ["dua", "tiga"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    # Like Telegram, allowed_updates only affects updates created after the call.
    assert await bot.get_updates(offset=-1, allowed_updates=["callback_query"]) == ()
    await user.send_text("pesan")
    await user.press_data("forged")
    only_callbacks = await bot.get_updates()
    assert [u.callback_query.data for u in only_callbacks] == ["forged"]


async def test_long_poll_returns_early_when_an_update_arrives(fake: FakeBotApi, bot: Bot) -> None:
    user = fake.user()
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await user.send_text("halo")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates] == ["halo"]
    assert loop.time() - started < 1.0
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


async def test_concurrent_get_updates_conflict(fake: FakeBotApi) -> None:
    url = f"{fake.api_url}{fake.token}/getUpdates"
    async with httpx.AsyncClient() as first, httpx.AsyncClient() as second:
        older = asyncio.create_task(first.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.05)
        newer = asyncio.create_task(second.post(url, json={"timeout": 5}))
        conflict = await asyncio.wait_for(older, 2)
        assert conflict.status_code == 409
        assert "terminated by other getUpdates" in conflict.json()["description"]
        await fake.user().send_text("x")
        assert len((await asyncio.wait_for(newer, 2)).json()["result"]) == 1


async def test_webhook_delivery_posts_with_secret_header(fake: FakeBotApi, bot: Bot) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []
    status = {"code": 200}

    async def hook(request: Request) -> Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return Response(status_code=status["code"])

    receiver = Starlette(routes=[Route("/tg/hook", hook, methods=["POST"])])
    async with serve_asgi(receiver) as base:
        await bot.set_webhook(
            f"{base}/tg/hook",
            secret_token="s3cret-Token_1",
            allowed_updates=["message", "callback_query"],
        )
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()
        user = fake.user(user_id=31337)
        delivery = await user.send_text("/start")
        assert delivery.status == 200
        ((update, secret),) = received
        assert secret == "s3cret-Token_1"
        assert update == delivery.update
        assert Update.de_json(update, bot).message.text == "/start"
        status["code"] = 500
        assert (await user.send_text("lagi")).status == 500
        info = await bot.get_webhook_info()
        assert info.url == f"{base}/tg/hook" and info.allowed_updates == (
            "message",
            "callback_query",
        )
        assert info.last_error_message == (
            "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert [d.status for d in fake.webhook_deliveries] == [200, 500]
    await bot.delete_webhook()
    await user.send_text("polling again")
    assert [u.message.text for u in await bot.get_updates()] == ["polling again"]


async def test_press_finds_buttons_and_sends_their_callback_data(
    fake: FakeBotApi, bot: Bot
) -> None:
    user = fake.user(user_id=4242)
    await user.send_text("/start")
    menu = await bot.send_message(user.id, "Menu", reply_markup=MENU)
    await bot.send_message(user.id, "Teks tanpa tombol")
    pressed = await user.press("Buat laporan")
    query = pressed.update["callback_query"]
    assert query["data"] == "menu:report"
    assert query["message"]["message_id"] == menu.message_id
    assert query["from"]["id"] == user.id
    assert (await user.press("Bantuan")).update["callback_query"]["data"] == "menu:help"
    with pytest.raises(AssertionError, match=r"(?i)no buttons match"):
        await user.press("Tidak ada")
    with pytest.raises(AssertionError, match=r"(?i)several buttons"):
        await user.press("bantuan")
    with pytest.raises(AssertionError, match=r"(?i)no callback_data"):
        await user.press("Situs")
    forged = await user.press_data("menu:admin", message_id=999)
    assert forged.update["callback_query"]["message"] == {
        "chat": user.chat.chat,
        "message_id": 999,
        "date": 0,
    }
    updates = await bot.get_updates()
    callbacks = [u.callback_query for u in updates if u.callback_query]
    assert [c.data for c in callbacks] == ["menu:report", "menu:help", "menu:admin"]
    await callbacks[0].answer("Oke")
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await callbacks[0].answer()
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await callbacks[1].answer("x" * 201)
    assert fake.unanswered_callback_queries() == [callbacks[1].id, callbacks[2].id]
    assert user.buttons() == ["📝 Buat laporan", "Bantuan", "Bantuan darurat", "Situs"]


async def test_the_same_button_twice_is_one_choice(fake: FakeBotApi, bot: Bot) -> None:
    user = fake.user(user_id=4243)
    await user.send_text("/start")
    same = InlineKeyboardButton("Lanjut", callback_data="1|in|!done")
    other = InlineKeyboardButton("Lanjut", callback_data="1|in|other")
    await bot.send_message(
        user.id,
        "Pilih",
        reply_markup=InlineKeyboardMarkup(
            [[same], [InlineKeyboardButton("Utang", callback_data="1|in|debt")], [same]]
        ),
    )
    assert (await user.press("Lanjut")).update["callback_query"]["data"] == "1|in|!done"
    await bot.send_message(user.id, "Pilih", reply_markup=InlineKeyboardMarkup([[same], [other]]))
    with pytest.raises(AssertionError, match=r"(?i)several buttons"):
        await user.press("Lanjut")  # same label, different data: ambiguous


async def test_users_can_write_and_press_in_groups(fake: FakeBotApi, bot: Bot) -> None:
    group = -1009876543210
    card = await bot.send_message(group, "Laporan #12", reply_markup=MENU)
    moderator = fake.user(user_id=808, first_name="Mod")
    await moderator.send_text("/status", chat_id=group)
    pressed = await moderator.press("Buat laporan", chat_id=group)
    query = pressed.update["callback_query"]
    assert query["message"]["chat"]["id"] == group
    assert query["message"]["message_id"] == card.message_id
    command, callback = await bot.get_updates()
    assert command.message.chat.type == "supergroup" and command.message.message_id == 2
    assert callback.callback_query.data == "menu:report"
    assert [m["text"] for m in await fake.wait_for_messages(group, 1, timeout=0.1)] == [
        "Laporan #12"
    ]


async def test_ptb_application_end_to_end_with_wait_for_reply(fake: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, "Halo! Pilih:", reply_markup=MENU)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await query.edit_message_text(f"Dipilih: <b>{query.data}</b>", parse_mode="HTML")
        await context.bot.send_message(query.message.chat.id, "Terima kasih")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.api_url)
        .base_file_url(fake.file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        await app.start()
        user = fake.user(user_id=2024)
        await user.send_text("/start")
        (reply,) = await user.wait_for_reply()
        assert reply["text"] == "Halo! Pilih:"
        await user.press("Bantuan darurat")
        (thanks,) = await user.wait_for_reply()
        assert thanks["text"] == "Terima kasih"
        assert user.texts() == ["Dipilih: menu:sos", "Terima kasih"]
        assert user.last_text() == "Terima kasih"
        await app.updater.stop()
        await app.stop()
    assert fake.unanswered_callback_queries() == []
    assert fake.violations == [] and fake.failed_calls() == []
