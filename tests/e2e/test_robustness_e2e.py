"""Bad input, failing Telegram, failing database and strangers' groups, through the real app."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from storage.db import create_engine
from tests.e2e.harness import (
    STAFF_CHAT_ID,
    WEBHOOK_SECRET,
    make_settings,
    outbox_settled,
    running_app,
    step,
)
from tests.fakes import FakeBotApi, FakeUser

DANGER_QUESTION = "in danger right now?"


async def test_stickers_photos_and_locations_mid_flow_get_a_gentle_reprompt(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=6001)
        await step(user, "text", "/start", replies=2)
        for send in (user.send_sticker, user.send_photo, lambda: user.send_location(4.1, 117.6)):
            await send()
            (reply,) = await user.wait_for_reply(count=1, timeout=10)
            assert "only read typed text and buttons" in reply["text"]
            assert DANGER_QUESTION in reply["text"]
        await step(user, "press", "No")  # the flow carries on normally
        assert "Who is making this report?" in str(user.last_text())


async def test_forged_and_stale_buttons_change_nothing(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=6002)
        await step(user, "text", "/start", replies=2)
        for data in ("1|zz|hack", "1|rv|send", "9|dg|yes", "x" * 64, "1|dg|<b>"):
            await user.press_data(data)
            (reply,) = await user.wait_for_reply(count=1, timeout=10)
            assert "no longer active" in reply["text"]
            assert DANGER_QUESTION in reply["text"]
        assert fake.unanswered_callback_queries() == []
        assert fake.failed_calls() == []


async def test_text_where_a_button_is_expected_and_oversized_text(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=6003)
        await step(user, "text", "/start", replies=2)
        replies = await step(user, "text", "halo?", replies=1)
        assert DANGER_QUESTION in replies[-1]["text"]
        for label in ("No", "Skip", "Skip", "Skip", "Skip", "Skip", "Skip"):
            await step(user, "press", label)
        assert "in your own words" in str(user.last_text())
        replies = await step(user, "text", "x" * 4096, replies=1)
        assert "too long" in replies[0]["text"]
        assert fake.failed_calls() == []


async def test_indonesian_is_the_default_and_bahasa_switches(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url, DEFAULT_LOCALE="id"), fake):
        user = fake.user(user_id=6004)
        replies = await step(user, "text", "/start", replies=2)
        assert "bahaya" in replies[1]["text"]
        await step(user, "text", "/bahasa")
        replies = await step(user, "press", "English", replies=2)
        assert "Language changed" in replies[0]["text"]
        assert DANGER_QUESTION in replies[-1]["text"]


@pytest.mark.parametrize("fault", ["500", "502", "429", "drop"])
async def test_telegram_errors_are_retried_until_delivered(
    fake: FakeBotApi, sqlite_url: str, fault: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=6005)
        if fault == "drop":
            fake.drop_next("sendMessage")
        else:
            fake.fail_next("sendMessage", int(fault), retry_after=1)
        await user.send_text("/start")
        replies = await user.wait_for_reply(count=2, timeout=20)
        assert "Lapor TPPO" in replies[0]["text"] and DANGER_QUESTION in replies[1]["text"]
        assert len([c for c in fake.calls_for("sendMessage") if c.injected]) == 1
        assert len(user.texts()) == 2  # each message delivered once, in order
        assert fake.violations == []


async def test_the_bot_leaves_any_group_but_the_staff_group(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        stranger = fake.user(user_id=6006)
        await stranger.send_text("/start", chat_id=-100777)
        await stranger.send_text("/start", chat_id=STAFF_CHAT_ID)
        await fake.wait_for(lambda: fake.calls_for("leaveChat"), timeout=10, what="leaveChat")
        await stranger.send_text("/start")
        await stranger.wait_for_reply(count=2, timeout=10)
    assert [c.params["chat_id"] for c in fake.calls_for("leaveChat")] == [-100777]
    assert fake.messages_in(-100777) == [] and fake.messages_in(STAFF_CHAT_ID) == []


async def test_database_down_gives_503_so_telegram_retries(fake: FakeBotApi) -> None:
    settings = make_settings(fake, "postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    async with running_app(settings, fake) as url, httpx.AsyncClient() as client:
        response = await client.post(
            f"{url}/telegram/webhook",
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
            json={
                "update_id": 10,
                "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}},
            },
        )
        assert response.status_code == 503
        assert (await client.get(f"{url}/readyz")).status_code == 503
        assert (await client.get(f"{url}/healthz")).status_code == 200


async def test_an_update_that_keeps_failing_is_parked_with_an_apology(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    # A real fault inside the database: filing any ticket aborts, as a broken disk would.
    engine = create_engine(sqlite_url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE TRIGGER no_tickets BEFORE INSERT ON tickets "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    await engine.dispose()
    async with running_app(make_settings(fake, sqlite_url, MAX_ATTEMPTS=2), fake):
        user = fake.user(user_id=6007)
        other = fake.user(user_id=6008)
        await file_report_until_review(user)
        await user.press("Send report")
        await other.send_text("/start")  # another chat is not held up meanwhile
        await other.wait_for_reply(count=2, timeout=10)
        (apology,) = await user.wait_for_reply(timeout=20)
        assert "something went wrong on our side" in apology["text"]
    assert await outbox_settled(sqlite_url) == (0, 0)  # parked payload erased too


async def file_report_until_review(user: FakeUser) -> None:
    """Skip every question up to the review."""
    await step(user, "text", "/start", replies=2)
    for label in ("No", "Skip", "Skip", "Skip", "Skip", "Skip", "Skip"):
        await step(user, "press", label)
    await step(user, "press", "Skip")
    assert "check your report" in str(user.last_text())
