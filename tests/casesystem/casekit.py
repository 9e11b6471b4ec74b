"""Pieces for case-system tests: tickets in a real database, a dispatcher on a manual clock."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.casesystem.dispatcher import CaseDispatcher
from bot.casesystem.notices import GroupNotices
from bot.casesystem.sync import CaseEvents
from bot.infra.clock import Clock
from bot.infra.crypto import Keys, new_data_key
from bot.infra.i18n import Translator
from bot.telegram.outgoing import Outgoing
from flows.domain.report import Report
from flows.domain.ticket import Ticket
from storage.db import Database
from storage.models import CaseEvent, OutboxMessage
from storage.owner import Owner
from storage.repos.triage import tickets
from tests.e2e.harness import STAFF_CHAT_ID
from tests.fakes.casesystem import FakeCaseSystem

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
DATA_KEY = new_data_key()
KEYS = Keys(DATA_KEY)
TRANSLATOR = Translator()


def report(at: datetime, **fields: Any) -> Report:
    """A report with a few answers (no identity: there is none to give)."""
    values: dict[str, Any] = {
        "locale": "id",
        "in_danger": False,
        "reporter_role": "keluarga",
        "indicators": ("debt", "documents_held"),
        "place_kind": "kecamatan",
        "place": "sebatik_barat",
        "when": "this_week",
        "victim_count": "two_five",
        "victim_age": "13_17",
        "story": "Paspor kakak saya ditahan majikan.",
    }
    return Report(submitted_at=at, **(values | fields))


async def new_ticket(db: Database, events: CaseEvents, at: datetime, n: int = 0) -> Ticket:
    """File a ticket and queue its `created` event, in one transaction."""
    async with db.transaction() as s:
        ticket = await tickets.create(
            s, report(at), new_reference=lambda: f"TPPO-{n:06d}", now=at, ack_due_at=at
        )
        await events.touched(s, [ticket.reference], at)
    return ticket


def group() -> GroupNotices:
    """Notices for the staff group, in English."""
    return GroupNotices(Outgoing(KEYS, TRANSLATOR), STAFF_CHAT_ID, "en")


def dispatcher(
    db: Database,
    fake: FakeCaseSystem,
    clock: Clock,
    owner: Owner | None = None,
    timeout: float = 5.0,
    secret: str | None = None,
) -> CaseDispatcher:
    """A case dispatcher for `fake`, on `clock`, without jitter (the timeout is real time:
    generous, as a loaded machine serves the fake slowly; the hang test passes a short one)."""
    return CaseDispatcher(
        db,
        KEYS,
        url=fake.url,
        secret=secret or fake.secret,
        group=group(),
        clock=clock,
        owner=owner,
        timeout=timeout,
        rng=lambda: 0.5,
    )


async def group_texts(db: Database) -> list[str]:
    """The texts of the staff-group messages queued in the Telegram outbox."""
    async with db.transaction() as s:
        rows = await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        found = []
        for row in rows:
            body = json.loads(KEYS.open(row.payload or b""))
            if body.get("chat_id") == STAFF_CHAT_ID:
                found.append(str(body.get("text", "")))
        return found


async def settle(db: Database, limit: float = 10.0) -> None:
    """Wait until no case event is leased (no send in flight), so that moving the clock on
    cannot make an attempt's timestamp stale before the fake case system reads it.

    Two clean looks in a row: a look that began just before a claim committed may miss it.
    """
    clean = 0
    for _ in range(int(limit / 0.02)):
        async with db.sessions() as s:
            leased = await s.scalar(
                select(func.count())
                .select_from(CaseEvent)
                .where(CaseEvent.lease_owner.is_not(None))
            )
        clean = 0 if leased else clean + 1
        if clean == 2:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("a case event stayed leased")
