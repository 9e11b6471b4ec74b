"""`lapor-tppo outbox list|show|retry`, `reconcile` and `export` on a real database."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.casesystem.export import HEADERS
from bot.casesystem.sync import CaseEvents
from bot.cli.main import main
from bot.infra.clock import ManualClock
from bot.infra.settings import Settings, load_settings
from flows.domain.referral import Agency
from flows.domain.ticket import TicketStatus
from storage.db import Database, upgrade
from storage.repos.case import events, links
from storage.repos.triage import referrals, tickets
from tests.casesystem.casekit import DATA_KEY, KEYS, START, dispatcher, new_ticket
from tests.e2e.harness import STAFF_CHAT_ID
from tests.fakes.casesystem import run_fake_case_system

CASE = CaseEvents(KEYS, enabled=True)


async def _prepare(url: str) -> list[str]:
    """Four tickets: confirmed, waiting, failed, and one the case system sees otherwise."""
    db = Database(url, sealer=KEYS)
    assert await db.owner.hold()
    clock = ManualClock(START)
    refs = [(await new_ticket(db, CASE, clock.now(), n)).reference for n in range(4)]
    async with run_fake_case_system(clock.now) as fake:
        fake.script = [200, 200, 400]  # tickets 0 and 1 confirmed, 2 failed, 3 waits
        sender = dispatcher(db, fake, clock)
        try:
            assert await sender.deliver_due(limit=3) == 3
        finally:
            await sender.close()
    async with db.transaction() as s:
        ticket = await tickets.get(s, refs[1])
        assert ticket is not None
        later = START + timedelta(hours=1)
        await tickets.save_triage(
            s,
            replace(
                ticket,
                status=TicketStatus.CLOSED,
                acknowledged_at=later,
                closed_at=later,
                closed_reason="resolved",
            ),
        )
        await referrals.refer(s, refs[1], Agency.POLRES, later, 101)
        await links.from_case(s, refs[1], "referred", "SIMFONI-7", later)
    await db.dispose()
    return refs


@pytest.fixture
def prepared(tmp_path: Path) -> tuple[Settings, list[str]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lapor.db'}"
    upgrade(url)
    refs = asyncio.run(_prepare(url))
    settings = load_settings(
        DATABASE_URL=url,
        DATA_KEY=DATA_KEY,
        STAFF_CHAT_ID=STAFF_CHAT_ID,
    )
    return settings, refs


def test_outbox_list_show_and_retry(prepared, capsys) -> None:
    settings, refs = prepared
    assert main(["outbox", "list"], settings) == 0
    out = capsys.readouterr().out
    assert "case: 1 pending, 1 failed, 2 sent" in out
    assert f"failed   {refs[2]}  ticket.created" in out
    assert "last: HTTP 400" in out
    assert main(["outbox", "list", "--status", "pending"], settings) == 0
    pending = capsys.readouterr().out
    assert refs[3] in pending and refs[2] not in pending.split("\n", 2)[2]
    assert main(["outbox", "show", "4"], settings) == 0
    shown = capsys.readouterr().out
    assert '"type": "ticket.created"' in shown and refs[3] in shown
    assert main(["outbox", "show", "1"], settings) == 0
    assert "erased once the case system accepted it" in capsys.readouterr().out
    assert main(["outbox", "show", "99"], settings) == 1
    assert main(["outbox", "retry"], settings) == 0
    assert "1 failed case event(s) will be sent again" in capsys.readouterr().out

    async def counts() -> events.CaseStats:
        db = Database(settings.DATABASE_URL, sealer=KEYS)
        try:
            async with db.transaction() as s:
                return await events.stats(s)
        finally:
            await db.dispose()

    stats = asyncio.run(counts())
    assert (stats.pending, stats.failed, stats.sent) == (2, 0, 2)


def test_reconcile_names_what_is_out_of_step(prepared, capsys) -> None:
    settings, refs = prepared
    assert main(["reconcile"], settings) == 1
    out = capsys.readouterr().out
    assert f"{refs[2]}  new           never confirmed" in out
    assert f"{refs[3]}  new           never confirmed" in out
    assert f"{refs[1]}  closed        the case system says referred" in out
    assert refs[0] not in out
    assert "3 ticket(s) out of step; case events 1 pending, 1 failed" in out


def test_export_writes_the_register_as_csv_and_xlsx(prepared, capsys, tmp_path: Path) -> None:
    settings, refs = prepared
    day = START.astimezone(settings.zone).date().isoformat()
    assert main(["export", "--from", day, "--to", day], settings) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == refs
    closed = dict(zip(HEADERS, rows[2], strict=True))
    assert closed["Status"] == "ditutup"
    assert closed["Rujukan"].startswith("Polres Nunukan (")
    assert closed["ID Kasus"] == "SIMFONI-7"
    assert closed["Tanggal Lapor"] == "2026-01-05 09:00"  # WITA
    assert closed["Deskripsi"] == "Paspor kakak saya ditahan majikan."
    assert closed["Alamat TKP"] == "Sebatik Barat"
    target = tmp_path / "register.xlsx"
    args = ["export", "--from", day, "--to", day, "--format", "xlsx", "--output", str(target)]
    assert main(args, settings) == 0
    sheet = load_workbook(target).active
    values = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert values == [list(HEADERS), *[[str(c) for c in r] for r in rows[1:]]]
    assert main(["export", "--from", "2026-02-01", "--to", "2026-02-02"], settings) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1  # the header only
    assert main(["export", "--from", day, "--to", day, "--format", "xlsx"], settings) == 2
