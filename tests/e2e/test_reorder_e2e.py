"""Two updates of one chat that arrive out of order within the window are handled in order."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.e2e.harness import WEBHOOK_SECRET, make_settings, running_app, step
from tests.fakes import FakeBotApi

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


@pytest.mark.chaos
async def test_a_lower_update_id_arriving_50_ms_late_is_still_handled_first(
    fake: FakeBotApi, database_url: str
) -> None:
    async with (
        running_app(make_settings(fake, database_url), fake) as url,
        httpx.AsyncClient(timeout=30) as client,
    ):
        user = fake.user(user_id=5950)
        await step(user, "text", "/bantuan", replies=2)  # the window knows where ids stand
        start_id, press_id = fake.updates.next_update_id(), fake.updates.next_update_id()
        chat = {"id": user.id, "type": "private", "first_name": "Siti"}
        start: dict[str, Any] = {
            "update_id": start_id,
            "message": {
                "message_id": 900,
                "date": 0,
                "from": user.user_json,
                "chat": chat,
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        query: dict[str, Any] = {
            "id": "77001",
            "from": user.user_json,
            "chat_instance": "1",
            "data": "1|dg|no",
            "message": {"message_id": 901, "date": 0, "chat": chat, "text": "?"},
        }
        fake.callback_queries[query["id"]] = query
        press = {"update_id": press_id, "callback_query": query}
        # The press (sent after /start by the reporter) overtakes it on the way.
        answer = await client.post(f"{url}/telegram/webhook", json=press, headers=HEADERS)
        assert answer.status_code == 200
        await asyncio.sleep(0.05)
        answer = await client.post(f"{url}/telegram/webhook", json=start, headers=HEADERS)
        assert answer.status_code == 200
        await fake.wait_for(
            lambda: any("Who is making this report?" in t for t in user.texts()),
            timeout=15,
            what="the question after the answer to the first",
        )
        await asyncio.sleep(0.5)
    assert not any("no longer active" in t for t in user.texts()), user.texts()
