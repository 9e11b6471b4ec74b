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

DANGER_QUESTION = "in danger right now"


async def test_photos_and_locations_mid_flow_are_kept_and_stickers_get_a_reprompt(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=6001)
        await step(user, "text", "/start")
        for send, said in (
            (user.send_sticker, "stickers and the like cannot go with a report"),
            (user.send_photo, "Photo kept with the report"),
            (lambda: user.send_location(4.1, 117.6), "Location kept with the report"),
        ):
            await send()
            (reply,) = await user.wait_for_reply(count=1, timeout=10)
            assert said in reply["text"]
            assert DANGER_QUESTION in reply["text"]
        await step(user, "press", "No")  # the flow carries on normally
        assert "Who is making this report?" in str(user.last_text())


async def test_forged_and_stale_buttons_change_nothing(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=6002)
        await step(user, "text", "/start")
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
        await step(user, "text", "/start")
        replies = await step(user, "text", "halo?", replies=1)
        assert "what you wrote is kept" in replies[-1]["text"]  # nothing thrown away
        assert DANGER_QUESTION in replies[-1]["text"]
        for label in ("No", "Skip", "Next", "Skip", "Skip", "Skip", "Skip"):
            await step(user, "press", label)
        assert "Your words so far" in str(user.last_text())
        replies = await step(user, "text", "x" * 4096, replies=1)
        assert "too long" in replies[0]["text"]
        assert fake.failed_calls() == []


async def test_indonesian_is_the_default_and_bahasa_switches(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url, DEFAULT_LOCALE="id"), fake):
        user = fake.user(user_id=6004)
        (welcome,) = await step(user, "text", "/start")
        assert "bahaya" in welcome["text"] and "Lapor TPPO" in welcome["text"]
        await step(user, "text", "/bahasa")
        (welcome,) = await step(user, "press", "English")
        assert "Language changed" in welcome["text"]
        assert DANGER_QUESTION in welcome["text"]
        await step(user, "text", "/bahasa")
        (welcome,) = await step(user, "press", "Bahasa Melayu")
        assert (
            "Bahasa sudah ditukar" in welcome["text"] and "pemerdagangan orang" in welcome["text"]
        )


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
        (welcome,) = await user.wait_for_reply(count=1, timeout=20)
        assert "Lapor TPPO" in welcome["text"] and DANGER_QUESTION in welcome["text"]
        assert len([c for c in fake.calls_for("sendMessage") if c.injected]) == 1
        assert len(user.texts()) == 1  # delivered once
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
        await stranger.wait_for_reply(count=1, timeout=10)
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
        await other.wait_for_reply(count=1, timeout=10)
        (apology,) = await user.wait_for_reply(timeout=20)
        assert "something went wrong on our side" in apology["text"]
    assert await outbox_settled(sqlite_url) == (0, 0)  # parked payload erased too


async def file_report_until_review(user: FakeUser) -> None:
    """Skip every question up to the review, but write a few words (so it is not empty)."""
    await step(user, "text", "/start")
    for label in ("No", "Skip", "Next", "Skip", "Skip", "Skip", "Skip"):
        await step(user, "press", label)
    await step(user, "text", "Tolong")
    assert "check the report" in str(user.last_text())
