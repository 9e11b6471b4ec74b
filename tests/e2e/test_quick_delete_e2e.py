"""Quick delete: /hapus and "Delete this chat" delete the chat's messages (the reporter's and
the bot's) as far as Telegram allows, and say honestly what could not be deleted."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from storage.db import create_engine, session_factory
from storage.models import ChatMessage, Conversation
from tests.e2e.harness import Walk, file_report, make_settings, running_app, step
from tests.fakes import FakeBotApi

HOURS = 3600


async def _kept(url: str) -> tuple[set[int], int]:
    """(message ids kept for /hapus, stored conversations)."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            ids = set(await session.scalars(select(ChatMessage.message_id)))
            drafts = await session.scalar(select(func.count()).select_from(Conversation))
            return ids, int(drafts or 0)
    finally:
        await engine.dispose()


async def test_delete_this_chat_after_sending_removes_every_message_but_the_answer(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running_app(make_settings(fake, database_url), fake):
        user = fake.user(user_id=5501)
        confirmation = await file_report(user, Walk(story="Mereka ambil paspor saya."))
        assert "Reference" in confirmation
        assert "🗑 Delete this chat" in user.buttons()
        before = fake.chat_history(user.id)
        pressed = before[-1]["message_id"]  # the confirmation
        assert len(before) > 10  # the whole conversation, both sides
        (answer,) = await step(user, "press", "🗑 Delete this chat")
        assert "messages of this chat from the last 48 hours" in answer["text"]
        assert "Telegram does not let the bot delete older messages" in answer["text"]
        await fake.wait_for(lambda: len(fake.chat_history(user.id)) == 1, 20, "the deletion")
    (left,) = fake.chat_history(user.id)
    assert left["message_id"] == answer["message_id"]  # only the answer stays
    calls = fake.calls_for("deleteMessages")
    assert calls and all(c.ok and 1 <= len(c.params["message_ids"]) <= 100 for c in calls)
    deleted = {i for c in calls for i in c.params["message_ids"]}
    assert {m["message_id"] for m in before} <= deleted
    assert all("if_refused" not in c.params for c in calls)  # our own note never goes out
    assert not fake.calls_for("forwardMessage") and not fake.calls_for("forwardMessages")
    # No draft. Of the ids, the answer's is kept (48 hours) so /hapus can delete it too; the
    # confirmation's may be recorded a moment after the press (it is deleted all the same).
    ids, drafts = await _kept(database_url)
    assert drafts == 0 and ids <= {answer["message_id"], pressed}


async def test_hapus_says_honestly_what_telegram_would_not_delete(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=5502)
        await step(user, "text", "/start")
        await step(user, "press", "No")
        # Two days pass for Telegram (our clock disagrees): it refuses to delete the old ones.
        fake.store.wall_clock = lambda: time.time() + 49 * HOURS
        (answer,) = await step(user, "text", "/hapus")
        assert "<b>Deleted.</b>" not in answer["text"]  # rendered: bold is an entity
        assert answer["text"].startswith("Deleted.")
        (note,) = await user.wait_for_reply(count=1, timeout=10)
    assert "Telegram would not delete some of the messages" in note["text"]
    assert "press and hold this chat" in note["text"]
    (refused,) = fake.calls_for("deleteMessages")
    assert not refused.ok and "can't be deleted" in str(refused.response)
    assert len(fake.chat_history(user.id)) == 6  # nothing was deleted, and nothing hidden
