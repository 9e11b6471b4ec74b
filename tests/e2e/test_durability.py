"""Durability: the real `lapor-tppo run` process, SIGKILLed mid-report and mid-submission.

Every test runs the bot as a subprocess against the fake Bot API (webhook mode, SQLite file) and
kills it with SIGKILL: no shutdown hook runs. After a restart with the same settings (the same
DATA_KEY), a report in progress resumes where it stopped, and every reference a reporter got
names exactly one ticket whose card reached the staff group. A crash may repeat one message
(sent, then killed before it was marked sent), never lose one, never file a ticket twice.

The subprocess paces messages with the real clock (about one per second per private chat), so
the walks here skip most questions to stay short.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from flows.domain.ticket import REFERENCE_PATTERN
from storage.db import create_engine, session_factory
from storage.models import InboxUpdate, Ticket
from tests.e2e.harness import STAFF_CHAT_ID, outbox_settled
from tests.e2e.proc import BotProcess, retrying
from tests.fakes import FakeBotApi
from tests.fakes.users import FakeUser

REPLY_TIMEOUT = 15.0
CONFIRMED = re.compile(rf"Reference: ({REFERENCE_PATTERN})")
SEND = "✅ Send report"
REVIEW = "Please check the report."
INDICATORS_QUESTION = "What did you see, hear or go through?"
APOLOGY = "Sorry, something went wrong on our side"


@pytest.fixture
async def bot(
    fake: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotProcess]:
    """The bot as a subprocess (up and webhook registered); always killed at the end.

    Webhook deliveries that fail while it is dead are delivered again once it is back, like
    Telegram does. The log tail is printed at teardown: pytest shows it when a test fails.
    """
    process = BotProcess(fake, tmp_path)
    monkeypatch.setattr(fake, "deliver", retrying(process, fake.deliver))
    try:
        await process.start()
        yield process
    finally:
        process.kill()
        print(f"----- {process.log_path} (last lines) -----\n{process.log_tail()}")
        print("----- last Bot API calls -----")
        for call in fake.calls[-25:]:
            print(call.method, call.status, call.response if not call.ok else "")


# --- helpers ------------------------------------------------------------------------------------


def references(user: FakeUser) -> list[str]:
    """The reference of every confirmation the user got (a repeat counts twice)."""
    return [m.group(1) for text in user.texts() if (m := CONFIRMED.search(text))]


def cards(fake: FakeBotApi, reference: str) -> int:
    """How many staff cards name `reference`."""
    return sum(reference in m.get("text", "") for m in fake.messages_in(STAFF_CHAT_ID))


def latest_keyboard(user: FakeUser) -> dict[str, Any] | None:
    """The newest bot message to the user that has buttons."""
    return next(
        (
            m
            for m in reversed(user.messages())
            if (m.get("reply_markup") or {}).get("inline_keyboard")
        ),
        None,
    )


def labels(message: dict[str, Any]) -> list[str]:
    """The button labels of a message."""
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def column(database_url: str, attribute: Any) -> list[Any]:
    """Every value of one column, read with a fresh engine (the bot may have just died)."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return list((await session.scalars(select(attribute))).all())
    finally:
        await engine.dispose()


async def tickets(database_url: str) -> list[str]:
    """Every ticket reference in the database."""
    return await column(database_url, Ticket.reference)


async def inbox_statuses(database_url: str) -> list[str]:
    """The status of every inbox row."""
    return await column(database_url, InboxUpdate.status)


async def settled(bot: BotProcess, timeout: float = 25.0) -> None:
    """Wait until every update is processed and every outbox row is sent."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (state := await outbox_settled(bot.database_url)) != (0, 0):
        if loop.time() > deadline:
            raise AssertionError(
                f"not settled after {timeout}s: (pending outbox, raw inbox) = {state}"
            )
        await asyncio.sleep(0.2)


async def press(user: FakeUser, label: str, replies: int = 1) -> list[dict[str, Any]]:
    """Press a button and wait for the answer."""
    await user.press(label)
    return await user.wait_for_reply(count=replies, timeout=REPLY_TIMEOUT)


async def send(user: FakeUser, text: str, replies: int = 1) -> list[dict[str, Any]]:
    """Send a text and wait for the answer."""
    await user.send_text(text)
    return await user.wait_for_reply(count=replies, timeout=REPLY_TIMEOUT)


def forward(message: dict[str, Any]) -> str:
    """The button that moves on without answering: Skip, or Next on the indicator list."""
    return "Skip" if "Skip" in labels(message) else "Next"


async def skip_to_review(user: FakeUser) -> None:
    """Skip every remaining question until the review."""
    for _ in range(12):
        message = latest_keyboard(user)
        assert message is not None, user.texts()
        if message["text"].startswith(REVIEW):
            return
        await press(user, forward(message))
    raise AssertionError(f"no review after skipping: {user.texts()[-3:]}")


async def kill_when(bot: BotProcess, query: str, timeout: float = REPLY_TIMEOUT) -> None:
    """SIGKILL the bot the moment `query` (one count) is positive in its database.

    A plain sqlite3 reader polls every few milliseconds; in WAL mode it never blocks the bot.
    """
    database = bot.database_url.split("///", 1)[1]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as conn:
        while not conn.execute(query).fetchone()[0]:
            assert loop.time() < deadline, f"never true: {query}"
            await asyncio.sleep(0.002)
    bot.kill()


async def assert_consistent(fake: FakeBotApi, bot: BotProcess, users: list[FakeUser]) -> None:
    """After the drain: one ticket per reporter, each confirmed and carded (twice at most)."""
    await settled(bot)
    filed = await tickets(bot.database_url)
    assert len(filed) == len(set(filed)) == len(users), filed
    confirmed: set[str] = set()
    for user in users:
        got = references(user)
        assert got, f"user {user.id} got no reference: {user.texts()[-3:]}"
        assert len(set(got)) == 1 and len(got) <= 2, got  # one report: one reference
        confirmed |= set(got)
    assert confirmed == set(filed)  # every confirmed reference exists, every ticket confirmed
    for reference in filed:
        assert 1 <= cards(fake, reference) <= 2, (reference, cards(fake, reference))
    assert len(fake.messages_in(STAFF_CHAT_ID)) <= 2 * len(filed)
    assert set(await inbox_statuses(bot.database_url)) == {"done"}  # nothing parked
    assert not any(APOLOGY in text for user in users for text in user.texts())


# --- tests --------------------------------------------------------------------------------------


@pytest.mark.chaos
async def test_a_report_resumes_after_a_kill_mid_report(fake: FakeBotApi, bot: BotProcess) -> None:
    async with asyncio.timeout(50):
        user = fake.user(user_id=7001)
        await send(user, "/start")
        await press(user, "No")
        answered = await user.press("I am family")
        assert answered.status == 200
        bot.kill()  # the answer is acknowledged; its question may not have been sent yet

        await bot.start()
        # The acknowledged answer was not lost: the next question arrives after the restart.
        await fake.wait_for(
            lambda: any(t.startswith(INDICATORS_QUESTION) for t in user.texts()),
            REPLY_TIMEOUT,
            "the question after the acknowledged answer",
        )
        await settled(bot)
        (offer,) = await send(user, "/start")
        assert "A report is in progress" in offer["text"]
        assert labels(offer)[:2] == ["Continue", "Start again"]
        (question,) = await press(user, "Continue")
        assert question["text"].startswith(INDICATORS_QUESTION)  # where they left off
        await user.press("Passport or permit taken")
        await press(user, "Next")
        await skip_to_review(user)
        review = latest_keyboard(user)
        assert review is not None
        for kept in (
            "Danger now: No",
            "Who reports: I am family",
            "What happened: Passport or permit taken",
        ):
            assert kept in review["text"]
        (confirmation,) = await press(user, SEND)
        match = CONFIRMED.search(confirmation["text"])
        assert match is not None, confirmation["text"]
        reference = match.group(1)
        await fake.wait_for(lambda: cards(fake, reference), REPLY_TIMEOUT, "the staff card")
        await settled(bot)
        assert await tickets(bot.database_url) == [reference]
        assert cards(fake, reference) == 1  # no crash after the submission: no repeat
        assert references(user) == [reference]
        assert await outbox_settled(bot.database_url) == (0, 0)


@pytest.mark.chaos
async def test_a_kill_right_after_submitting_files_the_ticket_once(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    async with asyncio.timeout(55):
        users = [fake.user(user_id=7101 + n) for n in range(3)]

        async def to_review(user: FakeUser) -> None:
            await send(user, "Tolong")  # a first message: kept, so the report is not empty
            await skip_to_review(user)

        await asyncio.gather(*(to_review(user) for user in users))
        # Each reporter presses "Send report", and the bot dies at a different moment of it.
        moments = [
            # as soon as the press is acknowledged: the update is maybe not handled yet
            None,
            # as soon as the ticket is committed: its card and confirmation are not sent yet
            "SELECT count(*) >= 2 FROM tickets",
            # as soon as the card is taken for sending: maybe sent, surely not marked sent
            "SELECT count(*) >= 3 FROM outbox WHERE is_group AND "
            "(locked_until IS NOT NULL OR status != 'pending')",
        ]
        for user, moment in zip(users, moments, strict=True):
            sent = await user.press(SEND)
            assert sent.status == 200
            if moment is None:
                bot.kill()
            else:
                await kill_when(bot, moment)
            await bot.start()
            await fake.wait_for(
                functools.partial(references, user), REPLY_TIMEOUT, f"the confirmation to {user.id}"
            )
            await settled(bot)

        await assert_consistent(fake, bot, users)
        assert await outbox_settled(bot.database_url) == (0, 0)


async def report_through_crashes(user: FakeUser, timeout: float) -> None:
    """Skip through a whole report however often the bot dies on the way.

    It acts on the newest question only, then waits for a different one: a question repeated by
    a crash (sent, then killed before it was marked sent) is not answered twice. Every press was
    acknowledged (the webhook retries until it is), so a reply that never comes was lost.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await user.send_text("Tolong, saya dikurung")  # kept as the story: the report is not empty
    answered: dict[str, Any] | None = None

    def moved_on() -> bool:
        if references(user):
            return True
        newest = latest_keyboard(user)
        return newest is not None and (
            answered is None
            or (
                newest["message_id"] > answered["message_id"] and newest["text"] != answered["text"]
            )
        )

    while True:
        what = f"user {user.id}: a reply to {answered['text'][:40] if answered else '/start'!r}"
        await user.fake.wait_for(moved_on, max(deadline - loop.time(), 0.1), what)
        if references(user):
            return
        question = latest_keyboard(user)
        assert question is not None
        answered = question
        label = SEND if SEND in labels(question) else forward(question)
        await user.press(label, message_id=question["message_id"])


@pytest.mark.chaos
async def test_kills_during_a_burst_lose_nothing_and_file_nothing_twice(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    # Seconds after each (re)start before the next SIGKILL: spread over the walks, which take
    # about ten seconds each, so kills land mid-question, mid-send and mid-submission.
    kills = (1.3, 0.4, 2.2, 0.9, 1.7)
    async with asyncio.timeout(55):
        users = [fake.user(user_id=7200 + n) for n in range(5)]

        async def crash_repeatedly() -> None:
            for delay in kills:
                await asyncio.sleep(delay)
                bot.kill()
                await bot.start()

        await asyncio.gather(
            crash_repeatedly(), *(report_through_crashes(user, 45) for user in users)
        )
        assert bot.runs == 1 + len(kills)
        repeats = sum(len(u.texts()) - len(set(u.texts())) for u in users)
        # A kill repeats at most the one message each chat had in flight, never more (updates
        # that reached a dead process were delivered again: `redeliveries`).
        assert repeats <= len(kills) * len(users), (repeats, bot.redeliveries)
        await assert_consistent(fake, bot, users)
        assert await outbox_settled(bot.database_url) == (0, 0)
