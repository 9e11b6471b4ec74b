"""SIGKILL at random points across many runs of a scripted load, on SQLite and PostgreSQL.

The real `lapor-tppo run` serves reporters who press Send on a report at its review, one per
run, and is killed after a random delay (seeded, so a failure can be replayed): mid-request,
mid-handling, mid-send or mid-recording. Telegram's webhook delivers again whatever was not
acknowledged. After the last run every acknowledged press filed exactly one ticket, every
reporter got its reference, every ticket's card reached the staff group, and a message went
twice only when a kill fell between its send and its record.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.infra.catalog import load_catalog
from bot.infra.crypto import Keys, new_data_key
from flows.intake import IntakeFlow, IntakeState, Node
from storage.db import Database
from storage.repos.pipeline import conversations
from tests.conftest import CHAOS_SCALE
from tests.e2e.harness import STAFF_CHAT_ID, outbox_settled
from tests.e2e.proc import BotProcess, retrying
from tests.e2e.staffkit import ORDINARY
from tests.e2e.test_durability import cards, inbox_statuses, references, tickets
from tests.fakes import FakeBotApi
from tests.fakes.users import FakeUser

# Runs per database. Each costs a restart (an interpreter, its imports, setWebhook): 6-8 s on
# the 2-core CI machine, so `make test` runs 8 on each database and `make chaos` (CHAOS_SCALE=2,
# CHAOS_REPEAT=5) 160 in all; CHAOS_KILLS sets it outright (50: the count).
KILLS = int(os.environ.get("CHAOS_KILLS", 8 * CHAOS_SCALE))
PER_RUN = 1  # reporters pressing Send in each run: below the group's flood threshold
SEED = int(os.environ.get("CHAOS_SEED", "11"))


@pytest.fixture
async def killable(
    fake: FakeBotApi, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[BotProcess, Keys]]:
    """The bot as a subprocess on either database; its DATA_KEY, to seed drafts with."""
    key = new_data_key()
    process = BotProcess(fake, tmp_path, database_url=database_url, data_key=key)
    monkeypatch.setattr(fake, "deliver", retrying(process, fake.deliver, timeout=60))
    try:
        await process.start()
        yield process, Keys(key)
    finally:
        process.kill()
        print(f"----- {process.log_path} (last lines) -----\n{process.log_tail()}")


async def seed_reviews(database_url: str, keys: Keys, users: list[FakeUser]) -> None:
    """Each user's report waits at its review, as the intake would have left it."""
    flow = IntakeFlow(load_catalog(None), default_locale="en", locales=("en", "id"))
    db = Database(database_url, sealer=keys)
    try:
        async with db.transaction() as session:
            for user in users:
                state = IntakeState(Node.REVIEW, ORDINARY, "en")
                await conversations.save(
                    session, flow, keys.identity_key(user.id), state, datetime.now(UTC)
                )
    finally:
        await db.dispose()


@pytest.mark.chaos
async def test_kills_at_random_points_lose_no_report_and_file_none_twice(
    fake: FakeBotApi, killable: tuple[BotProcess, Keys]
) -> None:
    bot, keys = killable
    rng = random.Random(SEED)
    users = [fake.user(user_id=9000 + n, started=True) for n in range(KILLS * PER_RUN)]
    await seed_reviews(bot.database_url, keys, users)
    async with asyncio.timeout(150 + 10 * KILLS):
        for run in range(KILLS):
            batch = users[run * PER_RUN : (run + 1) * PER_RUN]
            presses = asyncio.gather(*(u.press_data("1|rv|send") for u in batch))
            await asyncio.sleep(rng.uniform(0.0, 0.8))  # a random point of this run
            bot.kill()
            await bot.start()
            await presses  # acknowledged: delivered again after the kill when it was not
        await fake.wait_for(
            lambda: all(references(u) for u in users), timeout=90, what="every reference"
        )
        filed = await tickets(bot.database_url)
        await fake.wait_for(
            lambda: all(cards(fake, ref) for ref in filed), timeout=60, what="every card"
        )
        for _ in range(100):
            if await outbox_settled(bot.database_url) == (0, 0):
                break
            await asyncio.sleep(0.1)
    assert bot.runs == 1 + KILLS
    assert len(filed) == len(set(filed)) == len(users)  # one ticket per acknowledged press
    given = [references(u) for u in users]
    assert all(len(set(got)) == 1 for got in given)  # each reporter: one reference
    assert {got[0] for got in given} == set(filed)  # each names a ticket; each ticket named
    repeats = sum(len(got) - 1 for got in given) + sum(cards(fake, r) - 1 for r in filed)
    # A kill repeats at most what was in flight then: one run's confirmation and card.
    assert repeats <= 2 * KILLS, repeats
    assert all(1 <= cards(fake, r) <= 2 for r in filed)
    assert len(fake.messages_in(STAFF_CHAT_ID)) >= len(filed)
    assert set(await inbox_statuses(bot.database_url)) == {"done"}  # nothing parked
    assert await outbox_settled(bot.database_url) == (0, 0)
