"""Staff, roster, audit, notes, referrals, digests and triage columns on real databases.

The audit log is append-only by the database's own rule: UPDATE and DELETE are refused by a
trigger on SQLite and on PostgreSQL, whoever asks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Executable, delete, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.infra.crypto import Keys, new_data_key
from flows.domain.duty.roster import Duty, Override, parse_roster
from flows.domain.duty.routing import Routing
from flows.domain.duty.sla import Step
from flows.domain.duty.staff import Role, StaffMember
from flows.domain.referral import Agency, Outcome
from flows.domain.report import Report
from flows.domain.ticket import TicketStatus
from flows.domain.triage import ListScope
from storage.db import session_factory
from storage.models import AuditEntry, TicketEvent
from storage.repos.pipeline import outbox
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.triage import audit, digest, referrals, roster, staff, tickets

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # Monday 09:00 WITA
WITA = ZoneInfo("Asia/Makassar")
SITI = StaffMember(101, "Siti")
ANI = StaffMember(103, "Ani", Role.COORDINATOR)


async def _ticket(s: AsyncSession, ref: str, minutes: int = 0, **report: Any) -> None:
    at = NOW + timedelta(minutes=minutes)
    await tickets.create(
        s,
        Report(at, "id", **report),
        new_reference=lambda: ref,
        now=at,
        ack_due_at=at + timedelta(minutes=5),
    )


@pytest.mark.parametrize("table", ["audit_log", "ticket_events"])
async def test_audit_rows_cannot_be_changed_or_deleted(engine: AsyncEngine, table: str) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await _ticket(s, "TPPO-AAAAAA")
        await audit.record(s, NOW, SITI, "view", ticket_ref="TPPO-AAAAAA")
    model = AuditEntry if table == "audit_log" else TicketEvent
    attempts: list[Executable] = [
        update(model).values(at=NOW + timedelta(days=1)),
        delete(model),
        text(f"UPDATE {table} SET at = at"),
        text(f"DELETE FROM {table}"),
    ]
    for statement in attempts:
        with pytest.raises((DBAPIError, IntegrityError)) as refused:
            async with sessions() as s, s.begin():
                await s.execute(statement)
        assert "append-only" in str(refused.value)
    async with sessions() as s:
        assert (await s.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 1


async def test_history_and_counts(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        for n in range(5):
            await audit.record(
                s,
                NOW + timedelta(minutes=n),
                SITI if n % 2 else "system",
                f"step{n}",
                ticket_ref="TPPO-AAAAAA",
                data={"n": n},
            )
        await audit.record(s, NOW, ANI, "list")
    async with sessions() as s:
        history = await audit.history(s, "TPPO-AAAAAA", limit=3)
        assert [h.action for h in history] == ["step2", "step3", "step4"]
        assert (history[1].actor, history[1].actor_name) == ("101", "Siti")
        assert (history[0].actor, history[0].actor_name) == ("system", None)
        assert await audit.count(s, "TPPO-AAAAAA") == 5 and await audit.count(s) == 6
        assert await audit.count(s, "TPPO-AAAAAA", "step2") == 1
        assert [h.action for h in await audit.history(s, "TPPO-AAAAAA", 2, leave_out="step4")] == [
            "step2",
            "step3",
        ]


async def test_the_staff_register(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        assert await staff.add(s, SITI, NOW) == "added"
        assert await staff.add(s, ANI, NOW) == "added"
        assert await staff.add(s, replace(SITI, name="Siti A."), NOW) == "updated"
    async with sessions() as s, s.begin():
        assert await staff.is_staff(s, 101) and not await staff.is_staff(s, 999)
        assert [m.name for m in await staff.active(s)] == ["Ani", "Siti A."]
        assert await staff.coordinators(s) == [103]
        assert await staff.remove(s, 101, NOW) == replace(SITI, name="Siti A.")
        assert await staff.remove(s, 101, NOW) is None
    async with sessions() as s, s.begin():
        assert not await staff.is_staff(s, 101)
        assert await staff.names(s, [101, 103, 5]) == {101: "Siti A.", 103: "Ani"}
        assert await staff.add(s, SITI, NOW) == "restored"
        assert await staff.get(s, 101) == SITI


async def test_the_roster_counts_registered_staff_only(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    shifts = parse_roster(
        "user_id,day,start,end,role\n101,mon,08:00,20:00,primary\n"
        "102,daily,00:00,00:00,primary\n103,daily,00:00,00:00,backup\n"
    )
    async with sessions() as s, s.begin():
        for member in (SITI, ANI):
            await staff.add(s, member, NOW)
        await roster.replace(s, shifts)
        await roster.replace(s, shifts)  # an import replaces, never adds to, the roster
    async with sessions() as s, s.begin():
        assert await roster.shifts(s) == shifts
        assert await roster.duty(s, NOW, WITA) == Duty(101, 103)
        await roster.take(s, Override(103, NOW, NOW + timedelta(hours=1)))
    async with sessions() as s, s.begin():
        assert await roster.duty(s, NOW, WITA) == Duty(103, None, covering=True)
        current, ahead = await roster.duty_ahead(s, NOW, WITA)
        assert current == Duty(103, None, covering=True)
        assert ahead == (NOW + timedelta(hours=1), Duty(101, 103))
        await staff.remove(s, 101, NOW)
    async with sessions() as s:
        assert await roster.duty(s, NOW + timedelta(hours=2), WITA) == Duty(None, 103)


async def test_triage_state_lists_and_statistics_input(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        await _ticket(s, "TPPO-000001", 0)
        await _ticket(s, "TPPO-000002", 1, victim_age="13_17")
        await _ticket(s, "TPPO-000003", 2, in_danger=True)
        await _ticket(s, "TPPO-000004", 3)
    async with sessions() as s, s.begin():
        first = await tickets.get(s, "TPPO-000001", for_update=True)
        assert first is not None and first.routing == Routing()
        held = replace(
            first,
            status=TicketStatus.ACKNOWLEDGED,
            assignee=101,
            acknowledged_at=NOW,
            acknowledged_by=101,
            routing=Routing(101, 102, step=Step.REMIND, unreachable=(102,)),
        )
        await tickets.save_triage(s, held)
        last = await tickets.get(s, "TPPO-000004")
        assert last is not None
        await tickets.save_triage(
            s,
            replace(
                last, status=TicketStatus.CLOSED, closed_reason="spam", closed_at=NOW, closed_by=103
            ),
        )
    async with sessions() as s:
        assert await tickets.get(s, "TPPO-000001") == held

        async def refs(scope: ListScope, limit: int = 10) -> tuple[list[str], int]:
            found, total = await tickets.listing(s, scope, 101, limit)
            return [t.reference[-1:] for t in found], total

        assert await refs(ListScope.OPEN) == (["3", "2", "1"], 3)  # danger, child, oldest
        assert await refs(ListScope.OPEN, 1) == (["3"], 3)
        assert await refs(ListScope.NEW) == (["3", "2"], 2)
        assert await refs(ListScope.URGENT) == (["3", "2"], 2)
        assert await refs(ListScope.MINE) == (["1"], 1)
        assert await refs(ListScope.ALL) == (["4", "3", "2", "1"], 4)
        since = await tickets.filed_since(s, NOW + timedelta(minutes=2))
        assert [t.reference for t in since] == ["TPPO-000003", "TPPO-000004"]


async def test_notes_referrals_and_digest_lines(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))
    async with sessions() as s, s.begin():
        for n in range(4):
            await referrals.add_note(s, "TPPO-AAAAAA", NOW + timedelta(minutes=n), 101, f"n{n}")
        await referrals.refer(s, "TPPO-AAAAAA", Agency.POLRES, NOW, 101)
        await referrals.refer(s, "TPPO-AAAAAA", Agency.POLRES, NOW, 101)
        await referrals.refer(s, "TPPO-AAAAAA", Agency.LPSK, NOW, 103)
        await digest.add(s, "TPPO-AAAAAA", digest.NEW, NOW)
        await digest.add(s, "TPPO-BBBBBB", digest.OVERDUE, NOW)
    async with sessions() as s, s.begin():
        notes, total = await referrals.notes(s, "TPPO-AAAAAA", 2)
        assert [n.text for n in notes] == ["n2", "n3"] and total == 4
        updated = await referrals.set_outcome(
            s, "TPPO-AAAAAA", Agency.POLRES, Outcome.ACCEPTED, NOW
        )
        assert updated is not None and updated.outcome is Outcome.ACCEPTED
        assert (
            await referrals.set_outcome(s, "TPPO-AAAAAA", Agency.DINSOS, Outcome.ACCEPTED, NOW)
            is None
        )
        lines = await digest.waiting(s, 10)
        assert [(w.ticket_ref, w.kind) for w in lines] == [
            ("TPPO-AAAAAA", "new"),
            ("TPPO-BBBBBB", "overdue"),
        ]
        await digest.mark_posted(s, [lines[0].id], NOW)
    async with sessions() as s:
        outcomes = [(r.agency, r.outcome) for r in await referrals.of(s, "TPPO-AAAAAA")]
        assert outcomes == [
            (Agency.POLRES, Outcome.PENDING),
            (Agency.POLRES, Outcome.ACCEPTED),
            (Agency.LPSK, Outcome.PENDING),
        ]
        assert [w.ticket_ref for w in await digest.waiting(s, 10)] == ["TPPO-BBBBBB"]
    async with sessions() as s, s.begin():  # the janitor forgets posted lines, never waiting ones
        assert await digest.purge(s, NOW) == 0
        assert await digest.purge(s, NOW + timedelta(seconds=1)) == 1
        assert [w.ticket_ref for w in await digest.waiting(s, 10)] == ["TPPO-BBBBBB"]


async def test_group_load_and_superseded_card_edits(engine: AsyncEngine) -> None:
    sessions = session_factory(engine, Keys(new_data_key()))

    def row(method: str, group: bool = True, ref: str | None = "TPPO-AAAAAA") -> NewMessage:
        return NewMessage("g" if group else "p", group, method, b"x", ticket_ref=ref)

    async with sessions() as s, s.begin():
        await outbox.add(
            s,
            [
                row("sendMessage"),
                row("editMessageText"),
                row("editMessageText"),
                row("answerCallbackQuery"),
                row("sendMessage", group=False),
                row("editMessageText", ref="TPPO-BBBBBB"),
            ],
            NOW,
        )
    async with sessions() as s, s.begin():
        assert await outbox.group_load(s, NOW) == 4
        due = await outbox.due(s, NOW, 10, owner=1)
        first = next(d for d in due if d.chat_key == "g")
        assert await outbox.lease(s, first.id, NOW, timedelta(minutes=1), owner=1)
        assert await outbox.mark_sent(s, first.id, NOW, owner=1)
        assert await outbox.group_load(s, NOW) == 4  # sent within the window: still counts
        assert await outbox.group_load(s, NOW + timedelta(seconds=1)) == 3
        assert (
            await outbox.drop_pending(
                s, ticket_ref="TPPO-AAAAAA", method="editMessageText", now=NOW
            )
            == 2
        )
        assert await outbox.group_load(s, NOW + timedelta(seconds=1)) == 1
