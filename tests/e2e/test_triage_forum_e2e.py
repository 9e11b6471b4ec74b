"""Forum topics where the group has them: each ticket gets its own topic, and everything
about it stays there; without topics (or the right to make them) cards go to the general chat
and replies thread to the card. Notes typed as replies to the bot's prompt."""

from __future__ import annotations

from tests.e2e.harness import STAFF_CHAT_ID, make_settings, running_app
from tests.e2e.staffkit import (
    ORDINARY,
    SITI,
    URGENT,
    card_of,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wait_group,
    wita,
)
from tests.fakes import FakeBotApi


async def test_each_ticket_gets_its_own_topic_and_stays_in_it(
    fake: FakeBotApi, database_url: str
) -> None:
    fake.make_forum(STAFF_CHAT_ID)
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_URGENT="60s", SLA_NORMAL="400h")
    staff = staff_users(fake)
    siti = staff[SITI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        ref, urgent = await send_reports(
            fake,
            settings,
            [fake.user(user_id=7600 + n, started=True) for n in range(2)],
            [ORDINARY, URGENT],
            clock.now(),
        )
        card = await wait_card(fake, ref)
        await wait_card(fake, urgent)
        topics = {t["name"]: t["message_thread_id"] for t in fake.topics(STAFF_CHAT_ID)}
        assert set(topics) == {ref, f"🚨 {urgent}"}
        thread = topics[ref]
        assert card["message_thread_id"] == thread
        # A command typed in the topic is answered in the topic.
        await siti.send_text(f"/ambil {ref}", chat_id=STAFF_CHAT_ID, thread_id=thread)
        taken = await wait_group(fake, f"{ref} taken by Siti")
        assert taken["message_thread_id"] == thread
        # A note: the button asks for a reply; chatter meanwhile is not taken as the note.
        await siti.press("Note", message_id=card["message_id"], chat_id=STAFF_CHAT_ID)
        prompt = await wait_group(fake, f"Reply to this message with your note for {ref}")
        (asked,) = [
            c
            for c in fake.calls_for("sendMessage")
            if "Reply to this message" in str(c.params.get("text"))
        ]
        assert asked.params["reply_markup"] == {"force_reply": True, "selective": True}
        assert prompt["message_thread_id"] == thread  # asked where the card was pressed
        await siti.send_text("lunch?", chat_id=STAFF_CHAT_ID, thread_id=thread)
        await siti.send_text(
            "Spoke to the uncle; the girl is at the port.",
            chat_id=STAFF_CHAT_ID,
            thread_id=thread,
            reply_to=prompt["message_id"],
        )
        await wait_group(fake, f"Note added to {ref}")
        await siti.send_text(f"/lihat {ref}", chat_id=STAFF_CHAT_ID, thread_id=thread)
        view = await wait_group(fake, "Internal notes")
        assert "the girl is at the port" in view["text"] and "lunch?" not in view["text"]
        assert view["message_thread_id"] == thread
        # Twice its SLA: the call to everyone goes into the ticket's own topic.
        clock.advance(120)
        call = await wait_group(fake, "Everyone:")
        assert call["message_thread_id"] == topics[f"🚨 {urgent}"]
    assert fake.violations == [] and fake.failed_calls() == []


async def test_without_the_right_to_make_topics_nothing_is_lost(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    fake.make_forum(STAFF_CHAT_ID, can_manage_topics=False)
    await set_up_task_force(sqlite_url)
    settings = make_settings(fake, sqlite_url, SLA_NORMAL="400h")
    staff_users(fake)
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7700, started=True)], ORDINARY, clock.now()
        )
        card = await wait_card(fake, ref)
    assert "message_thread_id" not in card and fake.topics(STAFF_CHAT_ID) == []
    assert [c.method for c in fake.failed_calls()] == ["createForumTopic"]


async def test_without_topics_calls_thread_to_the_card(fake: FakeBotApi, sqlite_url: str) -> None:
    await set_up_task_force(sqlite_url)
    settings = make_settings(fake, sqlite_url, SLA_URGENT="60s")
    staff_users(fake)
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7800, started=True)], URGENT, clock.now()
        )
        card = await wait_card(fake, ref)
        clock.advance(120)
        call = await wait_group(fake, "Everyone:")
    assert call["reply_to_message"]["message_id"] == card["message_id"]
    assert card_of(fake, ref) is not None and fake.failed_calls() == []
