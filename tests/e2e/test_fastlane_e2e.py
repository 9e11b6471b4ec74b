"""The reporter's side through the real app and the fake Bot API: the danger fast lane, what is
kept, and tickets that say little."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.infra.crypto import Keys
from bot.infra.settings import Settings, reveal
from flows.domain.ticket import REFERENCE_PATTERN
from storage.db import create_engine, session_factory
from storage.models import Conversation, Ticket, TicketEvent
from storage.sealing import open_json
from tests.e2e.conftest import CollectedLogs
from tests.e2e.evidencekit import jpeg_with_gps
from tests.e2e.harness import STAFF_CHAT_ID, make_settings, outbox_settled, running_app, step
from tests.fakes import FakeBotApi


async def _tickets(settings: Settings) -> list[tuple[str, dict[str, Any], datetime, datetime]]:
    """Every ticket as stored, its sealed report opened with the app's key."""
    engine = create_engine(settings.DATABASE_URL)
    try:
        async with session_factory(engine, Keys(reveal(settings.DATA_KEY)))() as session:
            rows = (
                await session.execute(
                    select(Ticket.reference, Ticket.report, Ticket.created_at, Ticket.ack_due_at)
                )
            ).all()
            return [(r[0], open_json(session, "tickets", r[0], r[1]), r[2], r[3]) for r in rows]
    finally:
        await engine.dispose()


async def _states(settings: Settings) -> list[dict[str, Any]]:
    """Every conversation state, opened with the app's key."""
    engine = create_engine(settings.DATABASE_URL)
    try:
        async with session_factory(engine, Keys(reveal(settings.DATA_KEY)))() as session:
            rows = (await session.execute(select(Conversation))).scalars().all()
            return [open_json(session, "conversations", f"{r.flow}/{r.key}", r.state) for r in rows]
    finally:
        await engine.dispose()


async def _events(url: str) -> list[tuple[str, dict[str, Any]]]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return [
                (r[0], r[1])
                for r in (
                    await session.execute(
                        select(TicketEvent.kind, TicketEvent.data).order_by(TicketEvent.id)
                    )
                ).all()
            ]
    finally:
        await engine.dispose()


async def test_three_taps_from_sabah_put_an_urgent_card_in_the_group_and_later_answers_join_it(
    fake: FakeBotApi, database_url: str, production_logs: CollectedLogs
) -> None:
    settings = make_settings(fake, database_url)
    async with running_app(settings, fake):
        user = fake.user(user_id=8101, language_code="ms")
        # /start, then three taps: danger, where, send.
        await step(user, "text", "/start")
        assert "Bahasa Melayu" in user.buttons()  # offered: the client speaks Malay
        (screen,) = await step(user, "press", "Yes, someone is in danger")
        assert "Nothing has been sent yet" in screen["text"]
        assert screen["text"].index("In Indonesia") < screen["text"].index("In Malaysia (Sabah)")
        await user.press("In Malaysia")  # edits the numbers in place: Malaysia first
        await fake.wait_for(lambda: "✅ In Malaysia" in user.buttons(), 10, "the edit")
        text = fake.messages_in(user.id)[-1]["text"]
        assert text.index("In Malaysia (Sabah)") < text.index("In Indonesia")
        (sent,) = await step(user, "press", "⚡ Send now")
        assert len(user.deliveries) == 4  # /start and three taps
        reference = re.search(REFERENCE_PATTERN, sent["text"])
        assert reference is not None and "added to the same report" in sent["text"]
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), 10, "the urgent card")
        (card,) = fake.messages_in(STAFF_CHAT_ID)
        assert card["text"].startswith("🚨 SOMEONE IS IN DANGER NOW")
        assert reference.group(0) in card["text"]
        assert "The person is in Malaysia now" in card["text"]

        # The conversation goes on: every answer reaches the same ticket and its card.
        await step(user, "press", "It happened to me")
        await step(user, "press", "18 or older")
        await user.press("Locked in or phone taken")
        await step(user, "press", "Next")
        await user.send_photo(caption="Ini majikan saya", data=jpeg_with_gps())
        (kept,) = await user.wait_for_reply(timeout=10)
        assert "Photo kept with the report" in kept["text"]
        for label in ("Somewhere in Sabah", "Tawau", "It is still going on", "One person"):
            await step(user, "press", label)
        # While the report is in progress, the draft knows its ticket (and nothing else does).
        assert any(reference.group(0) in json.dumps(x) for x in await _states(settings))
        (review,) = await step(user, "text", "Paspor saya ditahan.")
        assert f"Already sent as urgent report {reference.group(0)}" in review["text"]
        (done,) = await step(user, "press", "Send report")
        assert "Everything is added to the urgent report" in done["text"]
        assert reference.group(0) in done["text"]

        def card_complete() -> bool:
            return "Paspor saya ditahan." in fake.messages_in(STAFF_CHAT_ID)[0]["text"]

        await fake.wait_for(card_complete, 15, "the card edited with the last answers")
        await fake.wait_for(lambda: len(fake.messages_in(STAFF_CHAT_ID)) == 2, 15, "the photo")
    # Still one card, edited in place; the photo added later follows it as evidence.
    card, photo = fake.messages_in(STAFF_CHAT_ID)
    assert "photo" in photo and photo["reply_to_message"]["message_id"] == card["message_id"]
    text = card["text"]
    for expected in (
        "Reported by: It happened to me",
        "Locked in or phone taken",
        "Where: Tawau",
        "When: It is still going on",
        "Ini majikan saya",
        "📎 Evidence, sent below the card: 1 photo",
        "➕ Added by the reporter after the first alert",
    ):
        assert expected in text, expected
    (ticket,) = await _tickets(settings)  # one ticket, never a second
    # Sent: the finished conversation no longer holds the reference (DESIGN §5 rule 4).
    assert not any("TPPO-" in json.dumps(x) for x in await _states(settings))
    assert ticket[0] == reference.group(0)
    assert ticket[3] - ticket[2] == settings.SLA_URGENT
    photo_id = ticket[1]["attachments"][0]["file_id"]
    assert photo_id and photo_id not in text
    assert not any(photo_id in line for line in production_logs.lines)  # file ids never logged
    kinds = [kind for kind, _ in await _events(database_url)]
    assert kinds[0] == "created" and kinds.count("report_added") >= 5
    assert all("Paspor" not in json.dumps(data) for _, data in await _events(database_url))
    assert fake.violations == [] and fake.failed_calls() == []
    assert fake.unanswered_callback_queries() == []
    assert await outbox_settled(database_url) == (0, 0)


async def test_two_taps_are_enough_without_saying_where(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=8102)
        await step(user, "text", "/start")
        await step(user, "press", "Yes, someone is in danger")
        await step(user, "press", "⚡ Send now")
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), 10, "the urgent card")
        # The phone is taken here: the task force already has the report.
    (card,) = fake.messages_in(STAFF_CHAT_ID)
    assert "SOMEONE IS IN DANGER NOW" in card["text"] and "Sent at once" in card["text"]
    assert "Little information" not in card["text"]


async def test_an_opening_message_is_kept_and_an_empty_report_asks_first(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    settings = make_settings(fake, sqlite_url)
    async with running_app(settings, fake):
        writer = fake.user(user_id=8103)
        (welcome,) = await step(writer, "text", "Tolong, saya dikurung majikan")
        assert welcome["text"].startswith("Thank you. Your message is kept")
        assert "Lapor TPPO" in welcome["text"] and "in danger right now" in welcome["text"]
        for label in ("No", "Skip", "Next", "Skip", "Skip", "Skip", "Skip", "Next"):
            await step(writer, "press", label)
        assert "Tolong, saya dikurung majikan" in str(writer.last_text())
        await step(writer, "press", "Send report")  # not empty: sent at once

        silent = fake.user(user_id=8104)
        await step(silent, "text", "/start")
        for label in ("Skip", "Skip", "Next", "Skip", "Skip", "Skip", "Skip", "Skip"):
            await step(silent, "press", label)
        (ask,) = await step(silent, "press", "Send report")
        assert "says nothing yet" in ask["text"]
        (done,) = await step(silent, "press", "Send anyway")
        assert re.search(REFERENCE_PATTERN, done["text"])
        await fake.wait_for(lambda: len(fake.messages_in(STAFF_CHAT_ID)) == 2, 10, "two cards")
    first, second = fake.messages_in(STAFF_CHAT_ID)
    assert "Tolong, saya dikurung majikan" in first["text"]
    assert "Little information" in second["text"]
    tickets = await _tickets(settings)
    slas = sorted(due - created for _, _, created, due in tickets)
    assert slas == [settings.SLA_NORMAL, settings.SLA_NORMAL]
