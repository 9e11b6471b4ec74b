"""The demo's Bot API stand-in, driven over HTTP by PTB's own Bot: every answer must be something
PTB reads, and every call must change the chats as Telegram would."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.error import BadRequest, Forbidden, InvalidToken

from bot.demo.cast import BOT_USER, REPORTERS, STAFF, STAFF_CHAT_ID
from bot.demo.standin.acting import ActError
from bot.demo.standin.samples import sample_ogg, sample_png
from bot.demo.standin.tghtml import EntityError, parse_html, with_auto_entities
from tests.demo.conftest import StandIn

SITI = REPORTERS[0].id
RINA = STAFF[0].person.id


def kinds(standin: StandIn, kind: str) -> list[dict[str, object]]:
    return [e for e in standin.world.events if e["kind"] == kind]


# --- Telegram HTML ------------------------------------------------------------------------------


def test_html_becomes_text_and_entities_with_utf16_offsets() -> None:
    text, entities = parse_html('👋 <b>Halo <i>Siti</i></b> &lt;3 <a href="https://x.id">x</a>')
    assert text == "👋 Halo Siti <3 x"
    # The emoji is two UTF-16 units, as in Telegram and in the page's JavaScript strings.
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "url": "https://x.id", "offset": 16, "length": 1},
    ]


def test_html_pre_with_language_is_one_entity() -> None:
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert (text, entities) == (
        "x = 1",
        [{"type": "pre", "language": "python", "offset": 0, "length": 5}],
    )


@pytest.mark.parametrize(
    "html",
    ["<div>x</div>", "<b>x", "x</b>", "<b><i>x</b></i>", '<span class="big">x</span>', "a<br/>b"],
)
def test_html_outside_telegrams_subset_is_refused(html: str) -> None:
    with pytest.raises(EntityError):
        parse_html(html)


def test_commands_and_links_are_found_as_telegram_finds_them() -> None:
    text = "Kirim /lapor atau lihat https://x.id/a. Bukan a/b atau /batal@bot!"
    found = {
        (e["type"], text[e["offset"] : e["offset"] + e["length"]])
        for e in with_auto_entities(text, [])
    }
    assert found == {
        ("bot_command", "/lapor"),
        ("url", "https://x.id/a"),
        ("bot_command", "/batal@bot"),
    }
    code = [{"type": "code", "offset": 0, "length": 6}]
    assert with_auto_entities("/lapor", code) == code  # nothing inside code


# --- sending, editing, deleting -----------------------------------------------------------------


async def test_get_me_and_a_wrong_token(standin: StandIn) -> None:
    me = await standin.bot.get_me()
    assert (me.id, me.username) == (BOT_USER["id"], BOT_USER["username"])
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{standin.url}/bot123:real/getMe")
    assert answer.status_code == 401
    with pytest.raises(InvalidToken):
        await Bot("123:real", base_url=f"{standin.url}/bot").get_me()


async def test_send_edit_in_place_and_delete(standin: StandIn) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="1|dg|yes")]])
    sent = await standin.bot.send_message(
        SITI, "<b>Apakah</b> ada yang dalam bahaya?", parse_mode="HTML", reply_markup=markup
    )
    assert sent.text == "Apakah ada yang dalam bahaya?" and sent.entities[0].type == "bold"
    edited = await standin.bot.edit_message_text(
        "Terima kasih.", chat_id=SITI, message_id=sent.message_id
    )
    chat = standin.world.chats[SITI]
    assert edited.message_id == sent.message_id and list(chat.messages) == [sent.message_id]
    assert chat.messages[sent.message_id]["text"] == "Terima kasih."
    assert "reply_markup" not in chat.messages[sent.message_id]  # an edit without one drops it
    assert chat.meta[sent.message_id]["edits"] == 1
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await standin.bot.edit_message_text(
            "Terima kasih.", chat_id=SITI, message_id=sent.message_id
        )
    assert await standin.bot.delete_message(SITI, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await standin.bot.edit_message_text("lagi", chat_id=SITI, message_id=sent.message_id)
    assert [e["message_id"] for e in kinds(standin, "deleted")] == [sent.message_id]


async def test_telegrams_refusals(standin: StandIn) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await standin.bot.send_message(SITI, "<div>x</div>", parse_mode="HTML")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await standin.bot.send_message(SITI, "x", reply_markup=too_long)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await standin.bot.send_message(42, "x")
    with pytest.raises(BadRequest, match=r"(?i)thread not found"):
        await standin.bot.send_message(STAFF_CHAT_ID, "x", message_thread_id=999)
    assert standin.world.chats[SITI].messages == {}


async def test_files_travel_both_ways(standin: StandIn) -> None:
    update_id = standin.acting.photo(SITI, SITI, caption="bukti")
    (update,) = await standin.bot.get_updates(offset=update_id, timeout=1)
    photo = update.message.photo[-1]
    downloaded = await (await standin.bot.get_file(photo.file_id)).download_as_bytearray()
    assert bytes(downloaded).startswith(b"\x89PNG")
    # The bot passes evidence on by upload and by copy; a forward is flagged on the page.
    sent = await standin.bot.send_photo(
        STAFF_CHAT_ID,
        sample_png(7),
        caption="<i>bukti</i>",
        parse_mode="HTML",
        protect_content=True,
    )
    stored = standin.world.files[sent.photo[-1].file_id]
    assert stored.data == sample_png(7) and sent.caption == "bukti" and sent.has_protected_content
    copy = await standin.bot.copy_message(STAFF_CHAT_ID, SITI, update.message.message_id)
    group = standin.world.chats[STAFF_CHAT_ID]
    assert group.messages[copy.message_id]["photo"][-1]["file_id"] == photo.file_id
    assert "forward_origin" not in group.messages[copy.message_id]
    forwarded = await standin.bot.forward_message(STAFF_CHAT_ID, SITI, update.message.message_id)
    assert group.meta[forwarded.message_id]["forwarded"] is True
    assert forwarded.forward_origin.sender_user.id == SITI
    voice = await standin.bot.send_voice(RINA, sample_ogg(1))
    assert voice.voice.mime_type == "audio/ogg"
    (media,) = await standin.bot.send_media_group(RINA, [InputMediaPhoto(sample_png(1))])
    assert media.photo[-1].width == 320


async def test_topics_pins_buttons_and_unknown_methods(standin: StandIn) -> None:
    topic = await standin.bot.create_forum_topic(STAFF_CHAT_ID, "TPPO-ABC123")
    card = await standin.bot.send_message(
        STAFF_CHAT_ID, "kartu", message_thread_id=topic.message_thread_id
    )
    assert card.message_thread_id == topic.message_thread_id and card.is_topic_message
    assert await standin.bot.close_forum_topic(STAFF_CHAT_ID, topic.message_thread_id)
    assert await standin.bot.pin_chat_message(STAFF_CHAT_ID, card.message_id)
    group = standin.world.chats[STAFF_CHAT_ID]
    assert group.topics[topic.message_thread_id]["is_closed"] and group.pinned == [card.message_id]
    with pytest.raises(BadRequest, match=r"(?i)not a forum"):
        await standin.bot.create_forum_topic(SITI, "x")
    # Any method at all succeeds and shows in its chat, so new features appear on the page.
    assert await standin.bot.set_chat_title(STAFF_CHAT_ID, "baru")
    assert kinds(standin, "call")[-1]["method"] == "setChatTitle"
    member = await standin.bot.get_chat_member(STAFF_CHAT_ID, RINA)
    assert member.status == "member"
    assert (await standin.bot.get_chat(STAFF_CHAT_ID)).is_forum


async def test_a_press_answered_and_a_bot_that_leaves(standin: StandIn) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ambil", callback_data="2|t|claim")]])
    card = await standin.bot.send_message(STAFF_CHAT_ID, "kartu", reply_markup=markup)
    with pytest.raises(ActError):
        standin.acting.press(RINA, STAFF_CHAT_ID, card.message_id, "2|t|other")
    with pytest.raises(ActError):
        standin.acting.press(SITI, STAFF_CHAT_ID, card.message_id, "2|t|claim")  # not a member
    update_id = standin.acting.press(RINA, STAFF_CHAT_ID, card.message_id, "2|t|claim")
    (update,) = await standin.bot.get_updates(offset=update_id, timeout=1)
    query = update.callback_query
    assert (query.data, query.from_user.id, query.message.message_id) == (
        "2|t|claim",
        RINA,
        card.message_id,
    )
    assert await standin.bot.answer_callback_query(query.id, "Diambil")
    toast = kinds(standin, "toast")[-1]
    assert (toast["text"], toast["chat"], toast["alert"]) == ("Diambil", STAFF_CHAT_ID, False)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await standin.bot.answer_callback_query(query.id)
    assert await standin.bot.leave_chat(STAFF_CHAT_ID)
    with pytest.raises(Forbidden):
        await standin.bot.send_message(STAFF_CHAT_ID, "x")


# --- updates ------------------------------------------------------------------------------------


async def test_get_updates_waits_then_confirms_by_offset(standin: StandIn) -> None:
    waiting = asyncio.create_task(standin.bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    first = standin.acting.text(SITI, SITI, "/start")
    (update,) = await asyncio.wait_for(waiting, 5)
    entity = update.message.entities[0]
    assert (update.update_id, update.message.text, entity.type, entity.offset) == (
        first,
        "/start",
        "bot_command",
        0,
    )
    second = standin.acting.location(SITI, SITI, 4.14, 117.66)
    updates = await standin.bot.get_updates(offset=first + 1, timeout=1)
    assert [u.update_id for u in updates] == [second] and updates[0].message.location
    assert standin.world.confirmed_below == first + 1
    assert await standin.bot.get_updates(offset=second + 1, timeout=0) == ()
    with pytest.raises(ActError):
        standin.acting.text(SITI, RINA, "halo")  # only in one's own chats


async def test_the_page_log_replays_and_waits(standin: StandIn) -> None:
    seq = standin.world.seq
    assert await standin.world.changes_after(seq, within=0.1) == []
    later = asyncio.create_task(standin.world.changes_after(seq, within=10))
    await asyncio.sleep(0.1)
    standin.acting.voice(SITI, SITI)
    (event,) = await asyncio.wait_for(later, 5)
    assert event["kind"] == "message" and event["message"]["voice"]["duration"] == 2
    standin.world.close_page()
    assert await asyncio.wait_for(standin.world.changes_after(standin.world.seq, 30), 5) == []


def test_sample_files_are_what_they_claim() -> None:
    png = sample_png(1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    ogg = sample_ogg(2)
    assert ogg.startswith(b"OggS") and b"OpusHead" in ogg[:64] and b"OpusTags" in ogg
    assert ogg.count(b"OggS") == 4  # header, tags, two one-second pages
