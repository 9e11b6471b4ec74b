"""Adding later answers to a ticket: new report and flags, an audit event naming fields only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra.crypto import Keys, new_data_key
from flows.domain.report import Attachment, Report, add_later
from storage.db import session_factory
from storage.models import TicketEvent
from storage.repos.triage import tickets

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def test_update_report_replaces_the_report_and_its_flags(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    filed = Report(NOW, "ms", in_danger=True, now_in="malaysia", fast_lane=True)
    async with sessions() as s, s.begin():
        ticket = await tickets.create(
            s,
            filed,
            new_reference=lambda: "TPPO-7K3M9Q",
            now=NOW,
            ack_due_at=NOW + timedelta(minutes=5),
        )
    later = NOW + timedelta(minutes=4)
    latest = Report(
        later,
        "ms",
        in_danger=True,
        now_in="malaysia",
        victim_age="13_17",
        story="Paspor saya ditahan.",
        attachments=(Attachment("photo", file_id="AgAC-secret"),),
    )
    merged = add_later(ticket.report, latest, later)
    async with sessions() as s, s.begin():
        updated = await tickets.update_report(s, ticket.reference, merged, later)
        assert await tickets.update_report(s, "TPPO-000000", merged, later) is None
    assert updated is not None and updated.report == merged
    assert updated.ack_due_at == ticket.ack_due_at  # the SLA does not move
    async with sessions() as s:
        again = await tickets.get(s, ticket.reference)
        events = (
            await s.execute(select(TicketEvent.kind, TicketEvent.data).order_by(TicketEvent.id))
        ).all()
    assert again is not None and again.report == merged and again.child and again.report.in_malaysia
    assert [kind for kind, _ in events] == ["created", "report_added"]
    fields = events[1][1]["fields"]
    assert {"story", "victim_age", "attachments", "added", "added_at"} <= set(fields)
    assert "Paspor" not in json.dumps(events[1][1]) and "AgAC" not in json.dumps(events[1][1])
