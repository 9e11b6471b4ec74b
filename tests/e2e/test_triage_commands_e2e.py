"""Every staff command through the real app, by staff (good and bad arguments) and by
strangers; card buttons, forged and replayed callback data; everything audited."""

from __future__ import annotations

import pytest

from tests.e2e.harness import STAFF_CHAT_ID, make_settings, running_app
from tests.e2e.staffkit import (
    ANI,
    BUDI,
    ORDINARY,
    SITI,
    URGENT,
    audit_actions,
    card_of,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    toasts,
    wait_card,
    wita,
)
from tests.fakes import FakeBotApi, FakeUser

STRANGER = 666


async def say(fake: FakeBotApi, user: FakeUser, text: str, *, private: bool = False) -> str:
    """Send a command (in the group, or privately) and return the bot's one reply."""
    chat = user.id if private else STAFF_CHAT_ID
    state = fake.store.chats.get(chat)
    before = len(state.bot_log) if state else 0
    await user.send_text(text, chat_id=None if private else STAFF_CHAT_ID)
    await fake.wait_for(
        lambda: len(fake.store.chats[chat].bot_log) > before,
        timeout=20,
        what=f"a reply to {text!r}",
    )
    message_id = fake.store.chats[chat].bot_log[before]
    return str(fake.store.chats[chat].messages[message_id]["text"])


async def press(fake: FakeBotApi, user: FakeUser, data: str, message_id: int | None = None) -> str:
    """Press a button (with any data) in the group; return the toast it got."""
    answered = len(fake.callback_answers)
    await user.press_data(data, message_id=message_id, chat_id=STAFF_CHAT_ID)
    await fake.wait_for(
        lambda: len(fake.callback_answers) > answered, timeout=20, what=f"an answer to {data!r}"
    )
    return toasts(fake)[-1]


@pytest.fixture
def slow_hands(fake: FakeBotApi) -> FakeBotApi:
    """Staff who think 10 s between actions: the group's 20 messages a minute are enough."""
    fake.think_time = 10.0
    return fake


async def test_every_command_by_staff_with_good_and_bad_arguments(
    slow_hands: FakeBotApi, database_url: str
) -> None:
    fake = slow_hands
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="400h", SLA_URGENT="400h")
    staff = staff_users(fake)
    siti, budi, ani = staff[SITI], staff[BUDI], staff[ANI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        ref, urgent = await send_reports(
            fake,
            settings,
            [fake.user(user_id=7300 + n, started=True) for n in range(2)],
            [ORDINARY, URGENT],
            clock.now(),
        )
        await wait_card(fake, ref)
        await wait_card(fake, urgent)
        expected: list[tuple[FakeUser, str, str]] = [
            (siti, "/tiket", "Open tickets: 2 tickets"),
            (siti, "/tiket mendesak", "Urgent tickets, someone in danger or a child: 1"),
            (siti, "/tickets all", "All tickets, newest first: 2"),
            (siti, "/tiket zzz", "Usage: /tiket [baru|mendesak|saya|semua]"),
            (siti, f"/lihat {ref}", "Victim and witness identity is confidential"),
            (siti, "/lihat", "Usage: /lihat TPPO-XXXXXX"),
            (siti, "/lihat TPPO-000000", "There is no ticket TPPO-000000"),
            (siti, f"/ambil {ref[5:].lower()}", f"{ref} taken by Siti"),
            (budi, f"/claim {ref}", f"{ref} is held by Siti"),
            (siti, f"/tugaskan {ref}", f"Give {ref} to:"),
            (siti, f"/tugaskan {ref} zed", "Nobody on the staff register is zed"),
            (siti, f"/assign {ref} budi", f"{ref} given to Budi"),
            (siti, f"/catatan {ref} Called the family; they will call back.", "Note added"),
            (siti, "/catatan", "Usage: /catatan TPPO-XXXXXX text"),
            (siti, f"/rujuk {ref}", f"Refer {ref} to which agency?"),
            (siti, f"/rujuk {ref} polres", f"{ref} is held by Budi"),
            (budi, f"/rujuk {ref} polres", f"{ref} referred to Polres Nunukan"),
            (budi, f"/refer {ref} polres diterima", "the answer of Polres Nunukan is recorded"),
            (budi, f"/rujuk {ref} lpsk ditolak", f"{ref} was never referred to LPSK"),
            (budi, f"/rujuk {ref} nasa", "Usage: /rujuk"),
            (budi, f"/tutup {ref}", f"Close {ref}: why?"),
            (budi, f"/tutup {ref} bosan", "Usage: /tutup"),
            (budi, f"/close {ref} selesai", f"{ref} closed: resolved"),
            (budi, f"/ambil {ref}", f"{ref} is closed: /buka {ref} reopens it"),
            (budi, f"/buka {ref}", f"{ref} reopened"),
            (budi, f"/reopen {ref}", f"{ref} is not closed"),
            (siti, "/piket", "On duty now: Siti; backup: Andi"),
            (budi, "/duty take 2h", "You are on duty until 2026-01-05 11:00 WITA"),
            (budi, "/piket", "On duty now: Budi; backup: Andi (covering)"),
            (budi, "/piket ambil forever", "Usage: /piket"),
            (siti, "/statistik", "This week (since 2026-01-05 00:00 WITA): 2 tickets"),
            (siti, "/staf", "Staff register: 4 people"),
            (siti, "/staf tambah 105 Dewi", "Only coordinators can change the staff register"),
            (ani, "/staf tambah 105 Dewi Lestari", "Dewi Lestari (105) is on the staff register"),
            (ani, "/staff remove 105", "Dewi Lestari (105) is no longer on the staff register"),
            (ani, "/staf hapus 104", "104 is the last coordinator"),
            (ani, "/staf tambah abc", "Usage: /staf"),
            (siti, f"/balas {urgent} halo", "chose no contact"),
            (siti, "/bantuan", "/tiket [baru|mendesak|saya|semua]: list tickets"),
            (siti, "/frobnicate", "Unknown command. /bantuan lists the staff commands."),
            (siti, "/batal", "Nothing to cancel."),
        ]
        for user, command, wanted in expected:
            reply = await say(fake, user, command)
            assert wanted in reply, (command, reply)
        card = await wait_card(fake, ref, "Held by: Budi")
        assert "Referred to Polres Nunukan on 2026-01-05: accepted" in card["text"]
        budi_dms = [t for t in budi.texts() if "Siti gave you this report" in t]
        assert len(budi_dms) == 1 and ref in budi_dms[0]
        stats = await say(fake, siti, "/stats")
        assert "Time to acknowledge: median 0 seconds" in stats
        # Privately, staff commands work too (the view links to the card in the group).
        view = await say(fake, siti, f"/lihat {ref}", private=True)
        assert "Called the family; they will call back." in view and "History" in view
        assert "Siti: took it" in view and "Viewed 1 time by staff." in view
        assert "https://t.me/c/1234567890/" in str(siti.messages()[-1]["reply_markup"])
        assert "taken by Siti" in await say(fake, siti, f"/ambil {urgent}", private=True)
    scopes = [
        c.params["scope"]
        for c in fake.calls_for("setMyCommands")
        if c.params["scope"].get("type") == "chat"
    ]
    assert scopes and all(str(s["chat_id"]) == str(STAFF_CHAT_ID) for s in scopes)
    staff_menu = fake.commands[("chat", "en")]
    assert [c["command"] for c in staff_menu][:3] == ["tiket", "lihat", "ambil"]
    assert "Take a ticket" in str(staff_menu)
    assert "Ambil tiket" in str(fake.commands[("chat", "id")])
    actions = [a for _, a in await audit_actions(database_url)]
    for action in (
        "view",
        "list",
        "claim",
        "assign",
        "note",
        "refer",
        "referral_outcome",
        "close",
        "reopen",
        "duty_view",
        "duty_take",
        "stats",
        "staff_list",
        "staff_add",
        "staff_remove",
    ):
        assert action in actions, action
    assert fake.violations == [] and fake.failed_calls() == []


async def test_strangers_change_nothing_and_buttons_tell_them_so(
    slow_hands: FakeBotApi, database_url: str
) -> None:
    fake = slow_hands
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="400h")
    staff = staff_users(fake)
    stranger = fake.user(user_id=STRANGER, first_name="Stranger", started=True)
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7400, started=True)], ORDINARY, clock.now()
        )
        card = await wait_card(fake, ref)
        before = list(fake.store.chats[STAFF_CHAT_ID].bot_log)
        for command in (
            "/tiket",
            f"/ambil {ref}",
            f"/tutup {ref} spam",
            "/staf tambah 666 Me",
            "/piket ambil",
        ):
            await stranger.send_text(command, chat_id=STAFF_CHAT_ID)
        for data in (f"t1|cl|{ref}", f"t1|cz|{ref}|spam", f"t1|as|{ref}|{STRANGER}"):
            assert "Only registered task-force staff" in await press(
                fake, stranger, data, card["message_id"]
            )
        # Privately a stranger is a reporter: staff commands mean nothing there.
        await stranger.send_text(f"/ambil {ref}")
        (reply, *_) = await stranger.wait_for_reply(timeout=20)
        assert "I do not know that command" in reply["text"] and ref not in reply["text"]
        await stranger.press_data(f"t1|cl|{ref}")
        (reply, *_) = await stranger.wait_for_reply(timeout=20)
        assert "no longer active" in reply["text"]
        # A registered member's command, after the stranger's, is answered: nothing was stuck.
        answer = await say(fake, staff[SITI], "/tiket baru")
        assert f"{ref}" in answer and "nobody yet" in answer
        assert fake.store.chats[STAFF_CHAT_ID].bot_log == [
            *before,
            fake.store.chats[STAFF_CHAT_ID].bot_log[-1],
        ]  # only Siti's answer was posted
        assert "Held by" not in card_of(fake, ref)["text"]  # type: ignore[index]
        # Staff in some other group: the bot leaves it, and answers nothing there.
        await staff[SITI].send_text("/tiket", chat_id=-100555)
        await fake.wait_for(lambda: fake.calls_for("leaveChat"), timeout=20, what="leaveChat")
        assert fake.messages_in(-100555) == []
    assert [a for a in await audit_actions(database_url) if a[0] == str(STRANGER)] == []
    assert fake.unanswered_callback_queries() == []


async def test_forged_stale_and_replayed_buttons(slow_hands: FakeBotApi, database_url: str) -> None:
    fake = slow_hands
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="400h")
    staff = staff_users(fake)
    siti, budi = staff[SITI], staff[BUDI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7500, started=True)], ORDINARY, clock.now()
        )
        card = await wait_card(fake, ref)
        card_id = card["message_id"]
        forged: list[tuple[str, str]] = [
            ("t1|cl|TPPO-000000", "There is no ticket TPPO-000000"),
            (f"t1|zz|{ref}", "no longer active"),
            (f"t2|cl|{ref}", "no longer active"),
            (f"t1|cl|{ref}|extra", "no longer active"),
            (f"t1|cz|{ref}|because", "no longer active"),
            ("1|rv|send", "no longer active"),
            ("x" * 64, "no longer active"),
            (f"t1|as|{ref}|999", "Nobody on the staff register is 999"),
        ]
        for data, wanted in forged:
            assert wanted in await press(fake, siti, data, card_id), data
        assert "taken by Siti" in await press(fake, siti, f"t1|cl|{ref}", card_id)
        await wait_card(fake, ref, "Held by: Siti")
        # Budi replays the same press, and tries to close it: the rules still hold.
        assert f"{ref} is held by Siti" in await press(fake, budi, f"t1|cl|{ref}", card_id)
        assert f"{ref} is held by Siti" in await press(fake, budi, f"t1|cz|{ref}|spam", card_id)
        # Menus: the close reasons, then a reason; the menu becomes the result.
        await siti.press("Close", message_id=card_id, chat_id=STAFF_CHAT_ID)
        menu = await fake.wait_for(
            lambda: next(
                (m for m in fake.messages_in(STAFF_CHAT_ID) if "why?" in m.get("text", "")), None
            ),
            20,
        )
        assert "closed: not trafficking" in await press(
            fake, siti, f"t1|cz|{ref}|not_trafficking", menu["message_id"]
        )
        await fake.wait_for(
            lambda: (
                "closed: not trafficking"
                in (fake.store.get_message(STAFF_CHAT_ID, menu["message_id"]) or {})["text"]
            ),
            20,
            "the menu replaced by the result",
        )
        await wait_card(fake, ref, "closed (not trafficking)")
        assert card_of(fake, ref)["reply_markup"]["inline_keyboard"][0][0]["text"] == "🔓 Reopen"  # type: ignore[index]
    history = await audit_actions(database_url, ref)
    assert history.count((str(SITI), "claim")) == 1 and (str(BUDI), "claim") not in history
    assert fake.unanswered_callback_queries() == [] and fake.failed_calls() == []
    assert fake.violations == []
