"""Outbox rows that refer to earlier results: a card edited in place once its id is known, a
thread id that never came, and a failure that schedules a timer. Through the real dispatcher
against the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.infra.crypto import Keys
from bot.infra.i18n import Translator
from bot.telegram.outgoing import Outgoing
from storage.db import Database
from storage.models import Timer
from storage.repos import outbox
from tests.e2e.harness import STAFF_CHAT_ID, make_settings, outbox_settled, running_app
from tests.fakes import FakeBotApi


async def test_tracked_results_fill_later_calls_and_failures_schedule_timers(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    settings = make_settings(fake, sqlite_url)
    out = Outgoing(Keys(settings.DATA_KEY or ""), Translator())
    reporter = fake.user(user_id=6001, started=True)
    reporter.block()
    rows = [
        out.call(
            STAFF_CHAT_ID,
            "sendMessage",
            {"text": "card v1"},
            ticket_ref="TPPO-TEST01",
            track="card:TPPO-TEST01",
        ),
        out.call(
            STAFF_CHAT_ID,
            "editMessageText",
            {"text": "card v2"},
            ticket_ref="TPPO-TEST01",
            fill={"message_id": "card:TPPO-TEST01"},
        ),
        out.call(
            STAFF_CHAT_ID,
            "sendMessage",
            {"text": "in a topic that never came"},
            fill={"message_thread_id": "topic:TPPO-NOPE00"},
        ),
        out.call(
            reporter.id,
            "sendMessage",
            {"text": "to someone who blocked us"},
            ticket_ref="TPPO-TEST01",
            on_fail="dm_failed",
        ),
    ]
    async with running_app(settings, fake):
        db = Database(sqlite_url)
        try:
            async with db.transaction() as session:
                await outbox.add(session, rows, datetime.now(UTC))
            await fake.wait_for(
                lambda: (
                    len(fake.messages_in(STAFF_CHAT_ID)) == 2 and fake.calls_for("editMessageText")
                ),
                timeout=10,
                what="card, its edit and the topic-less message",
            )
            await fake.wait_for(lambda: any(c.status == 403 for c in fake.calls), timeout=10)
            assert await _wait_settled(sqlite_url)
            async with db.transaction() as session:
                timers = (await session.execute(select(Timer.kind, Timer.ticket_ref))).all()
        finally:
            await db.dispose()
    card, loose = fake.messages_in(STAFF_CHAT_ID)
    assert card["text"] == "card v2"  # edited in place: same message, new text
    (edit,) = fake.calls_for("editMessageText")
    assert edit.params["message_id"] in (card["message_id"], str(card["message_id"]))
    assert loose["text"] == "in a topic that never came" and "message_thread_id" not in loose
    assert ("dm_failed", "TPPO-TEST01") in timers
    assert fake.violations == []


async def _wait_settled(url: str) -> bool:
    for _ in range(100):
        if (await outbox_settled(url))[0] == 0:
            return True
        await asyncio.sleep(0.1)
    return False
