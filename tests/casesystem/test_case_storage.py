"""The case link's storage: replayed inbound ids within 7 days, and the counts /metrics reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.db import Database
from storage.repos.case import events, links
from tests.casesystem.casekit import START


async def test_an_inbound_id_is_a_repeat_for_seven_days(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            assert await links.first_sight(s, "evt_1", START)
            assert not await links.first_sight(s, "evt_1", START + timedelta(days=6))
            assert await links.first_sight(s, "evt_2", START + timedelta(days=6))
        async with db.transaction() as s:
            assert await links.forget_inbound(s, START + timedelta(days=7, seconds=1)) == 1
            assert await links.first_sight(s, "evt_1", START + timedelta(days=8))
            assert not await links.first_sight(s, "evt_2", START + timedelta(days=8))
    finally:
        await db.dispose()


async def test_stats_count_pending_failed_and_sent(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            assert await events.stats(s) == events.CaseStats(0, 0, 0, None)
            for n in range(3):
                await events.add(
                    s,
                    ticket_ref=f"TPPO-00000{n}",
                    type="ticket.created",
                    ticket_status="new",
                    sealed=b"x",
                    now=START + timedelta(minutes=n),
                )
            (due,) = await events.claim(s, 7, START, limit=1)
            assert await events.attempt_failed(
                s, due.id, 7, code=400, error="HTTP 400", retry_at=None
            )
            stats = await events.stats(s)
            assert (stats.pending, stats.failed, stats.sent) == (2, 1, 0)
            assert stats.oldest_pending_at == START + timedelta(minutes=1)
            assert (stats.retrying, stats.failed_attempts) == (0, 1)
    finally:
        await db.dispose()


def test_case_settings_are_checked_with_a_one_line_fix() -> None:
    from bot.errors import SettingsError
    from bot.infra.crypto import new_standard_webhook_secret
    from bot.infra.settings import load_settings

    assert load_settings(CASE_INBOUND_SECRET=new_standard_webhook_secret()).CASE_INBOUND_SECRET
    for name, value in (
        ("CASE_WEBHOOK_SECRET", "not-a-secret"),
        ("CASE_INBOUND_SECRET", "whsec_"),
        ("CASE_WEBHOOK_URL", "ftp://case.example"),
    ):
        with pytest.raises(SettingsError, match=name):
            load_settings(**{name: value})
