"""A whole report through the real app: webhook or polling in, ticket card out."""

from __future__ import annotations

import re

import httpx
import pytest

from flows.domain.ticket import REFERENCE_PATTERN
from tests.e2e.harness import (
    SENTINEL,
    STAFF_CHAT_ID,
    WEBHOOK_SECRET,
    Walk,
    file_report,
    file_report_until_send,
    make_settings,
    outbox_settled,
    running_app,
)
from tests.fakes import FakeBotApi


async def test_a_whole_report_reaches_the_staff_group(fake: FakeBotApi, database_url: str) -> None:
    settings = make_settings(fake, database_url)
    async with running_app(settings, fake):
        assert fake.webhook.url == f"{settings.PUBLIC_URL}/telegram/webhook"
        assert fake.webhook.secret_token == WEBHOOK_SECRET
        user = fake.user(**SENTINEL)
        confirmation = await file_report(user, Walk(danger="Yes, someone is in danger"))
        assert "Thank you. The report has been sent." in confirmation
        reference = re.search(REFERENCE_PATTERN, confirmation)
        assert reference is not None
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=10, what="card")
        (card,) = fake.messages_in(STAFF_CHAT_ID)
        text = card["text"]
        assert reference.group(0) in text
        assert text.index("IN DANGER") < text.index(reference.group(0))  # urgent flag first
        for expected in (
            "A child is involved",
            "Owes travel costs, pay cut",
            "Passport or permit taken",
            "Sebatik Barat",
            "This week",
            "2 to 5 people",
            "13 to 17",
            "They took her passport.",
        ):
            assert expected in text
        assert fake.violations == []
        assert fake.failed_calls() == []
        assert fake.unanswered_callback_queries() == []
    (card_call,) = [
        c for c in fake.calls_for("sendMessage") if str(c.params["chat_id"]) == str(STAFF_CHAT_ID)
    ]
    assert card_call.params["protect_content"] in (True, "true")
    assert await outbox_settled(database_url) == (0, 0)


async def test_reporters_see_a_command_menu_in_their_language(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url, DEFAULT_LOCALE="id"), fake):
        pass
    menus = {
        c.params.get("language_code"): c.params
        for c in fake.calls_for("setMyCommands")
        if "all_private_chats" in str(c.params["scope"])
    }
    assert set(menus) == {None, "id", "en", "ms"}
    assert "Buat laporan baru" in str(menus[None]["commands"])
    assert "Make a new report" in str(menus["en"]["commands"])
    assert "Buat laporan baru" in str(menus["ms"]["commands"])
    assert "all_private_chats" in str(menus["id"]["scope"])


async def test_reporter_html_reaches_staff_exactly_as_typed(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    story = "Majikan <b>kasar</b> <script>alert(1)</script> & gaji ditahan 5 < 6 > 2 &amp;"
    async with running_app(make_settings(fake, sqlite_url), fake):
        await file_report(fake.user(user_id=5001), Walk(story=story))
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=10, what="card")
    (card,) = fake.messages_in(STAFF_CHAT_ID)
    assert story in card["text"]
    assert not any(
        e.get("type") == "bold" and card["text"][e["offset"] :][:5] == "kasar"
        for e in card.get("entities", [])
    )


async def test_polling_mode_files_a_report_too(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running_app(make_settings(fake, sqlite_url, webhook=False), fake):
        confirmation = await file_report(fake.user(user_id=5002))
        assert re.search(REFERENCE_PATTERN, confirmation)
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=10, what="card")
    assert fake.calls_for("getUpdates")
    assert fake.webhook is None


async def test_a_repeated_update_has_one_effect(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=5003)
        first = await user.send_text("/start")
        await user.wait_for_reply(count=1)
        again = await fake.deliver(first.update)
        assert again == 200
        await user.press("No")
        await user.wait_for_reply()
        texts = user.texts()
    assert sum("in danger right now" in t for t in texts) == 1


@pytest.mark.parametrize("secret", [None, "wrong", WEBHOOK_SECRET[:-1]])
async def test_the_webhook_refuses_a_missing_or_wrong_secret(
    fake: FakeBotApi, sqlite_url: str, secret: str | None
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake) as url:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{url}/telegram/webhook", headers=headers, json={"update_id": 1, "message": {}}
            )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"update_id": "x"}', b'{"x": 1}', b'{"update_id": -5}', b"\xff\xfe"],
)
async def test_junk_bodies_get_400_not_500(fake: FakeBotApi, sqlite_url: str, body: bytes) -> None:
    async with (
        running_app(make_settings(fake, sqlite_url), fake) as url,
        httpx.AsyncClient() as client,
    ):
        response = await client.post(
            f"{url}/telegram/webhook",
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
        )
    assert response.status_code == 400


async def test_health_and_readiness(fake: FakeBotApi, sqlite_url: str) -> None:
    async with (
        running_app(make_settings(fake, sqlite_url), fake) as url,
        httpx.AsyncClient() as client,
    ):
        assert (await client.get(f"{url}/healthz")).json() == {"status": "ok"}
        assert (await client.get(f"{url}/readyz")).status_code == 200


async def test_a_card_always_fits_and_survives_a_formatting_refusal(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    # 2,999 emoji: within the story limit, but 5,998 UTF-16 units, which Telegram counts.
    story = "😢" * 2999
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=5010)
        await file_report(user, Walk(story=story))
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=10, what="card")
        (card,) = fake.messages_in(STAFF_CHAT_ID)
        units = len(card["text"].encode("utf-16-le")) // 2
        # Filled to the limit: one more emoji (2 units) would not fit.
        assert 4096 - 3 <= units <= 4096, units
        assert "😢😢😢…" in card["text"]
        # Telegram refuses the formatting of the next messages (the confirmation and the card,
        # sent concurrently): they come as plain text instead.
        second_user = fake.user(user_id=5011)
        await file_report_until_send(second_user, Walk(story="Tolong <b>segera</b>"))
        fake.fail_next("sendMessage", 400, times=2, description="Bad Request: can't parse entities")
        await second_user.press("Send report")
        (confirmation,) = await second_user.wait_for_reply(timeout=10)
        assert re.search(REFERENCE_PATTERN, confirmation["text"])
        await fake.wait_for(
            lambda: len(fake.messages_in(STAFF_CHAT_ID)) == 2, timeout=10, what="second card"
        )
    second = fake.messages_in(STAFF_CHAT_ID)[1]
    assert "Tolong <b>segera</b>" in second["text"] and not second.get("entities")
    assert await outbox_settled(sqlite_url) == (0, 0)
