"""The Bot API answering 429, 5xx and timing out after accepting, with exact counts after.

Reporters press Send while Telegram, in turn, throttles two calls (429 with retry_after), fails
two (500) and takes two but never answers (the connection drops after the message went out, as
a time-out after accepting would). Afterwards: every report exists once, every reporter got its
reference, every card reached the group, exactly the two accepted-but-unanswered messages went
twice and nothing else did, and /metrics counted the two 429s and the six retries.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.infra.crypto import Keys
from bot.infra.settings import reveal
from storage.db import Database
from storage.repos.triage import tickets as ticket_repo
from tests.e2e.harness import STAFF_CHAT_ID, make_settings, outbox_settled, running_app
from tests.e2e.metricskit import scrape, value
from tests.e2e.staffkit import ORDINARY, send_reports
from tests.fakes import FakeBotApi

REPORTERS = 6


def injected(fake: FakeBotApi, status: int) -> int:
    return sum(1 for c in fake.calls if c.injected and c.status == status)


def duplicates(fake: FakeBotApi, chats: list[int]) -> int:
    """Messages whose text an earlier message in the same chat already had."""
    texts = [[m.get("text", "") for m in fake.messages_in(chat)] for chat in chats]
    return sum(len(t) - len(set(t)) for t in texts)


async def test_429s_5xx_and_lost_answers_deliver_everything_once_but_the_lost_ones(
    fake: FakeBotApi, database_url: str
) -> None:
    settings = make_settings(fake, database_url)
    reporters = [fake.user(user_id=9500 + n, started=True) for n in range(REPORTERS)]
    async with running_app(settings, fake) as url:  # real time: retries wait for real
        fake.fail_next("sendMessage", 429, times=2, retry_after=1)

        async def then_more_faults() -> None:
            await fake.wait_for(lambda: injected(fake, 429) == 2, 30, "two 429s")
            fake.fail_next("sendMessage", 500, times=2)
            await fake.wait_for(lambda: injected(fake, 500) == 2, 30, "two 500s")
            fake.drop_next("sendMessage", times=2, after_processing=True)

        faults = asyncio.create_task(then_more_faults())
        refs = await send_reports(fake, settings, reporters, ORDINARY, datetime.now(UTC))
        await faults
        await fake.wait_for(
            lambda: sum(1 for c in fake.calls if c.injected and c.status == 0) == 2,
            30,
            "two answers lost",
        )
        for _ in range(200):
            if await outbox_settled(database_url) == (0, 0):
                break
            await asyncio.sleep(0.1)
        status, samples = await scrape(url)
    assert status == 200
    assert await outbox_settled(database_url) == (0, 0)
    db = Database(database_url, sealer=Keys(reveal(settings.DATA_KEY)))
    try:
        async with db.sessions() as session:
            stored = [await ticket_repo.get(session, ref) for ref in refs]
    finally:
        await db.dispose()
    assert len(set(refs)) == REPORTERS and all(t is not None for t in stored)
    group = [m.get("text", "") for m in fake.messages_in(STAFF_CHAT_ID)]
    assert all(any(ref in text for text in group) for ref in refs)  # every card arrived
    # The two messages Telegram took without answering went twice; nothing else did.
    assert duplicates(fake, [STAFF_CHAT_ID, *(u.id for u in reporters)]) == 2
    assert value(samples, "lapor_telegram_throttled_total") == 2
    assert value(samples, "lapor_sends_total", channel="telegram", outcome="retry") == 6
