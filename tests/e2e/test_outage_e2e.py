"""Telegram outages and database hiccups through the real app: nothing waits longer than needed.

Simulated time (ManualClock) stands in for the minutes an outage lasts: the app schedules its
retries and probes on that clock, while requests still pace in real time.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bot.infra.clock import ManualClock
from bot.infra.crypto import Keys
from bot.infra.i18n import Translator
from bot.infra.settings import reveal
from bot.telegram.outgoing import Outgoing
from flows.domain.ticket import REFERENCE_PATTERN
from storage.db import Database, create_engine
from storage.repos.pipeline import outbox
from tests.conftest import CHAOS_SCALE
from tests.e2e.harness import (
    STAFF_CHAT_ID,
    START_REPLIES,
    file_report_until_send,
    make_settings,
    outbox_settled,
    running_app,
)
from tests.fakes import FakeBotApi


def _sends(fake: FakeBotApi, since: int) -> list[Any]:
    return [c for c in fake.calls[since:] if c.ok and c.method == "sendMessage"]


@pytest.mark.chaos
async def test_after_a_minute_of_502s_the_backlog_goes_within_seconds(
    fake: FakeBotApi, database_url: str
) -> None:
    clock = ManualClock(datetime.now(UTC), monotonic=fake.clock)
    async with running_app(make_settings(fake, database_url), clock=clock):
        filers = [fake.user(user_id=5400 + n) for n in range(3)]
        await asyncio.gather(*(file_report_until_send(u) for u in filers))
        fake.outage(502)
        for user in filers:
            await user.press("Send report")
        newcomers = [fake.user(user_id=5500 + n) for n in range(3)]
        for user in newcomers:  # two messages wait for each: every first goes before any second
            await user.send_text("/start")
            await user.send_text("/bantuan")
        await fake.wait_for(
            lambda: len([c for c in fake.calls if c.status == 502]) >= 2,
            timeout=15,
            what="sends failing with 502",
        )
        for _ in range(12 * CHAOS_SCALE):  # a minute (or more) of outage, probed now and then
            clock.advance(5)
            await asyncio.sleep(0.2)
        fake.restore()
        recovered = len(fake.calls)
        for _ in range(10):  # 5 s after recovery, then the clock stands still
            clock.advance(0.5)
            await asyncio.sleep(0.1)

        def delivered() -> bool:
            return (
                len(fake.messages_in(STAFF_CHAT_ID)) == 3
                and all(any(re.search(REFERENCE_PATTERN, t) for t in u.texts()) for u in filers)
                and all(len(u.texts()) == START_REPLIES + 1 for u in newcomers)
            )

        await fake.wait_for(delivered, timeout=20, what="the backlog, due within 5 s")
    chats = [c.params["chat_id"] for c in _sends(fake, recovered)]
    # Staff cards first (at the group's pace of one a second), and every reporter's first
    # reply before anyone's second.
    assert chats[0] == STAFF_CHAT_ID, chats
    reporters = [c for c in chats if c != STAFF_CHAT_ID]
    firsts = [reporters.index(u.id) for u in filers + newcomers]
    seconds = [n for n, c in enumerate(reporters) if c in reporters[:n]]
    assert max(firsts) < min(seconds), chats
    assert fake.violations == []
    assert fake.unanswered_callback_queries() == []
    assert await outbox_settled(database_url) == (0, 0)


REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON outbox "
        "WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER refuse_sent BEFORE UPDATE ON outbox FOR EACH ROW "
        "WHEN (NEW.status = 'sent') EXECUTE FUNCTION refuse()",
    ],
}
ALLOW = {
    "sqlite": ["DROP TRIGGER refuse_sent"],
    "postgresql": ["DROP TRIGGER refuse_sent ON outbox", "DROP FUNCTION refuse()"],
}


async def execute(database_url: str, statements: list[str]) -> None:
    """Run SQL statements (e.g. triggers that make writes fail) on the database."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.mark.chaos
async def test_a_failed_write_after_a_send_holds_nothing_and_sends_nothing_twice(
    fake: FakeBotApi, database_url: str
) -> None:
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    async with running_app(make_settings(fake, database_url), fake):
        user = fake.user(user_id=5601)
        await execute(database_url, REFUSE[dialect])  # sends go, recording them fails
        await user.send_text("/start")
        (welcome,) = await user.wait_for_reply(timeout=15)
        assert "in danger" in welcome["text"]
        await user.press("No")
        await asyncio.sleep(1.0)  # recording fails meanwhile; the next question waits behind it
        await execute(database_url, ALLOW[dialect])
        (question,) = await user.wait_for_reply(timeout=10)  # not after a 60 s lease
        assert "Who is making this report" in question["text"]
        # Rows sent while writes failed record their outcome on their next try (backoff).
        for _ in range(100):
            if await outbox_settled(database_url) == (0, 0):
                break
            await asyncio.sleep(0.1)
    assert len(user.texts()) == 2  # the welcome went once: its lease held while recording
    assert await outbox_settled(database_url) == (0, 0)


@pytest.mark.chaos
async def test_rows_that_cannot_be_sent_as_they_are_end_and_block_nothing(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    settings = make_settings(fake, sqlite_url)
    out = Outgoing(Keys(reveal(settings.DATA_KEY)), Translator())
    user = fake.user(user_id=5701, started=True)
    garbage = out.call(user.id, "sendMessage", {"text": "x"})
    rows = [
        out.call(user.id, "sendMessage", {"text": "lone \ud800 surrogate"}),
        garbage.__class__(**{**garbage.__dict__, "sealed": b"not a sealed payload"}),
        out.call(user.id, "sendMessage", {"text": "after them"}),
        out.call(
            STAFF_CHAT_ID,
            "sendMessage",
            {"text": "<b>card</b> \udfff", "parse_mode": "HTML"},
            ticket_ref="TPPO-AAAAAA",
        ),
        garbage.__class__(
            **{
                **garbage.__dict__,
                "chat_key": rows_key(out),
                "is_group": True,
                "ticket_ref": "TPPO-BBBBBB",
                "sealed": b"garbage",
            }
        ),
        out.call(STAFF_CHAT_ID, "sendMessage", {"text": "next card"}, ticket_ref="TPPO-CCCCCC"),
    ]
    async with running_app(settings, fake):
        db = Database(sqlite_url)
        try:
            async with db.transaction() as session:
                await outbox.add(session, rows, datetime.now(UTC))
        finally:
            await db.dispose()
        await fake.wait_for(lambda: len(user.texts()) == 2, timeout=15, what="reporter rows")
        await fake.wait_for(
            lambda: len(fake.messages_in(STAFF_CHAT_ID)) == 2,
            timeout=15,
            what="both cards that can be sent",
        )
        await asyncio.sleep(0.5)
    assert user.texts() == ["lone \ufffd surrogate", "after them"]
    assert [m["text"] for m in fake.messages_in(STAFF_CHAT_ID)] == ["card \ufffd", "next card"]
    # Only the card nobody can open still waits, set aside and retried every 10 minutes.
    assert await outbox_settled(sqlite_url) == (1, 0)


def rows_key(out: Outgoing) -> str:
    """The outbox key of the staff group."""
    return out.call(STAFF_CHAT_ID, "sendMessage", {}).chat_key


async def test_while_telegram_hangs_and_fails_one_probe_at_a_time(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """Once Telegram counts as down, a probe that hangs holds back the next one: the waiting
    rows never go out as a stream of probes, each taking a turn of the send budget."""
    answer = 2.0  # seconds every call takes before its 502
    async with running_app(make_settings(fake, sqlite_url), fake):
        fake.outage(502)
        fake.delay_next("*", answer, times=10**6)
        for n in range(6):
            await fake.user(user_id=5600 + n).send_text("/start")
        await fake.wait_for(
            lambda: len([c for c in fake.calls if c.status == 502]) >= 3,
            timeout=20,
            what="sends failing after hanging",
        )
        settled = fake.clock() + answer + 0.5  # whatever started before has been answered

        def probes() -> list[float]:
            return sorted(c.time for c in fake.calls if c.time > settled)

        await fake.wait_for(lambda: len(probes()) >= 3, timeout=40, what="three probes")
        fake.restore()
    starts = probes()
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= answer - 0.1 for gap in gaps), gaps
