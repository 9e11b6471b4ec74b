"""One reporter's burst: their own commands and buttons are answered at once, others unaffected."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.conftest import CHAOS_SCALE
from tests.e2e.harness import START_REPLIES, make_settings, outbox_settled, running_app, step
from tests.fakes import FakeBotApi

BURST = 500 * CHAOS_SCALE


@pytest.mark.chaos
async def test_a_500_message_burst_delays_neither_batal_nor_buttons_nor_others(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    # Real time for the bot's pacing (no think time): one private chat gets about 1 message
    # a second, which is what made a burst's replies queue for minutes.
    async with running_app(make_settings(fake, sqlite_url)):
        flood = fake.user(user_id=5901)
        calm = fake.user(user_id=5902)
        await step(flood, "text", "/start", replies=START_REPLIES)
        for start in range(0, BURST, 50):
            await asyncio.gather(*(flood.send_text(f"halo {n}") for n in range(start, start + 50)))
        calm_started = time.monotonic()
        await calm.send_text("/start")
        await calm.wait_for_reply(count=START_REPLIES, timeout=15)
        calm_waited = time.monotonic() - calm_started

        pressed = time.monotonic()
        delivery = await flood.press("No")
        query_id = delivery.update["callback_query"]["id"]
        await fake.wait_for(
            lambda: query_id in fake.callback_answers,
            timeout=15,
            what="the button's acknowledgement",
        )
        answered = time.monotonic() - pressed

        cancelled = time.monotonic()
        await flood.send_text("/batal")
        await fake.wait_for(
            lambda: any("stopped" in t.lower() for t in flood.texts()),
            timeout=60,
            what="the answer to /batal",
        )
        batal = time.monotonic() - cancelled
        for _ in range(150):  # the outbox drains (what is left is a question or two)
            if await outbox_settled(sqlite_url) == (0, 0):
                break
            await asyncio.sleep(0.2)
    received = len(flood.texts())
    # The reporter sees the current question, not 500 repeats of it.
    assert received < 40 * CHAOS_SCALE, received
    assert calm_waited < 5, calm_waited
    assert answered < 5, answered
    assert batal < 20 * CHAOS_SCALE, batal  # it waits only for the chat's earlier updates
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []
