"""Abuse limits through the real app: a flooding reporter is held back with one kind notice while
another reporter's report goes through; a sixth new report within the hour waits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.infra.catalog import load_catalog
from bot.infra.crypto import Keys
from bot.infra.settings import Settings, reveal
from flows.intake import IntakeFlow, IntakeState, Node
from storage.db import Database, create_engine
from storage.models import Ticket
from storage.repos.pipeline import conversations
from tests.e2e.harness import START_REPLIES, file_report, make_settings, running_app, step
from tests.e2e.staffkit import ORDINARY
from tests.fakes import FakeBotApi, FakeUser

TOO_FAST = "sending messages very fast"
TOO_MANY = "several reports in the last hour"


async def test_a_flooding_reporter_is_limited_while_another_reporters_report_goes_through(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running_app(make_settings(fake, database_url)):
        flood, calm = fake.user(user_id=5951), fake.user(user_id=5952)
        await step(flood, "text", "/start", replies=START_REPLIES)

        async def flooding() -> None:
            for start in range(0, 60, 20):
                await asyncio.gather(
                    *(flood.send_text(f"halo {n}") for n in range(start, start + 20))
                )

        _, confirmation = await asyncio.gather(flooding(), file_report(calm))
        assert "TPPO-" in confirmation
        await fake.wait_for(
            lambda: any(TOO_FAST in t for t in flood.texts()), timeout=30, what="the notice"
        )
        await flood.send_text("/batal")  # stopping always works, however fast one wrote
        await fake.wait_for(
            lambda: any("stopped" in t.lower() for t in flood.texts()), timeout=30, what="/batal"
        )
    notices = [t for t in flood.texts() if TOO_FAST in t]
    assert len(notices) == 1, notices  # one notice, not one per dropped message
    assert not any(TOO_FAST in t for t in calm.texts())
    assert fake.violations == []


async def _at_review(settings: Settings, user: FakeUser) -> None:
    """The reporter's draft stands at the review, as the intake leaves it."""
    keys = Keys(reveal(settings.DATA_KEY))
    flow = IntakeFlow(load_catalog(None), default_locale="en", locales=("en", "id"))
    db = Database(settings.DATABASE_URL, sealer=keys)
    try:
        async with db.transaction() as s:
            state = IntakeState(Node.REVIEW, ORDINARY, "en")
            await conversations.save(s, flow, keys.identity_key(user.id), state, datetime.now(UTC))
    finally:
        await db.dispose()


async def test_a_sixth_report_within_the_hour_waits_and_the_draft_is_kept(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    settings = make_settings(fake, sqlite_url)
    async with running_app(settings, fake):
        user = fake.user(user_id=5961, started=True)
        for n in range(6):
            await _at_review(settings, user)
            await user.press_data("1|rv|send")
            (reply,) = await user.wait_for_reply(timeout=10)
            if n < 5:
                assert "TPPO-" in reply["text"], reply["text"]
        assert TOO_MANY in reply["text"]
    # The draft stays at its review, answers and all: Send works again once the hour is over.
    keys = Keys(reveal(settings.DATA_KEY))
    flow = IntakeFlow(load_catalog(None), default_locale="en", locales=("en", "id"))
    db = Database(sqlite_url, sealer=keys)
    async with db.transaction() as s:
        kept = await conversations.load(s, flow, keys.identity_key(user.id))
    await db.dispose()
    assert kept is not None and kept.node is Node.REVIEW and kept.answers == ORDINARY
    engine = create_engine(sqlite_url)
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(Ticket))).scalar() == 5
    await engine.dispose()
