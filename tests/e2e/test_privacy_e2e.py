"""Privacy at rest through the real app: a database dump shows no report text and no identity,
retention deletes content but keeps the counts (and held tickets), and key rotation keeps every
ticket readable while the app runs."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.cli.rotate import rotate_key
from bot.infra.crypto import Keys, new_data_key
from bot.infra.settings import Settings, reveal
from flows.domain.ticket import REFERENCE_PATTERN, Ticket
from flows.intake import Answers
from storage.db import Database, create_engine, session_factory
from storage.models import AuditEntry, Base
from storage.models import Ticket as TicketRow
from storage.repos.triage import referrals, tickets
from storage.sealing import open_json
from tests.e2e.harness import (
    SENTINEL,
    STAFF_CHAT_ID,
    Walk,
    database_files,
    file_report,
    make_settings,
    outbox_settled,
    running_app,
)
from tests.e2e.staffkit import (
    ANI,
    SITI,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wita,
)
from tests.e2e.test_triage_commands_e2e import say
from tests.fakes import FakeBotApi

STORY = "Majikan Xyloquent menahan paspor kami di gudang"
NOTE = "Vantrobel sudah menelepon keluarga"
IDENTITY = [str(v) for v in SENTINEL.values()]
CONTENT = ["Xyloquent", "Vantrobel", "paspor kami"]
WITH_STORY = Answers(
    in_danger=False,
    indicators=("documents_held",),
    place_kind="kecamatan",
    place="sebatik_barat",
    story=STORY,
)


async def _settled(url: str) -> None:
    for _ in range(100):
        if await outbox_settled(url) == (0, 0):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox did not drain")


async def _every_table(url: str) -> str:
    """Every row of every table (and the migration table), as text: what a dump would hold."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            parts = []
            for table in [*Base.metadata.sorted_tables]:
                rows = (await conn.execute(select(table))).all()
                parts.append(f"{table.name}: {[tuple(r) for r in rows]!r}")
        return "\n".join(parts)
    finally:
        await engine.dispose()


def _leaks(dump: str | bytes) -> list[str]:
    data = dump if isinstance(dump, str) else dump.decode("latin-1")
    return [s for s in [*IDENTITY, *CONTENT] if s.lower() in data.lower()]


async def _ticket(settings: Settings, reference: str, *old: str) -> Ticket:
    db = Database(settings.DATABASE_URL, sealer=Keys(reveal(settings.DATA_KEY), old))
    try:
        async with db.transaction() as s:
            found = await tickets.get(s, reference)
            assert found is not None
            return found
    finally:
        await db.dispose()


async def _notes(settings: Settings, reference: str) -> list[str]:
    db = Database(settings.DATABASE_URL, sealer=Keys(reveal(settings.DATA_KEY)))
    try:
        async with db.transaction() as s:
            return [n.text for n in (await referrals.notes(s, reference, 10))[0]]
    finally:
        await db.dispose()


async def test_a_database_dump_shows_no_report_text_and_no_identity(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="400h")
    siti = staff_users(fake)[SITI]
    async with running_app(settings, fake):
        reporter = fake.user(**SENTINEL)
        confirmation = await file_report(reporter, Walk(story=STORY))
        found = re.search(REFERENCE_PATTERN, confirmation)
        assert found is not None
        ref = found.group(0)
        await wait_card(fake, ref)
        assert "Note added" in await say(fake, siti, f"/catatan {ref} {NOTE}")
        await _settled(database_url)
    # Staff saw the story (it is there to be read), and the database still holds it, sealed.
    assert any("Xyloquent" in m["text"] for m in fake.messages_in(STAFF_CHAT_ID))
    assert (await _ticket(settings, ref)).report.story == STORY
    assert await _notes(settings, ref) == [NOTE]

    assert _leaks(await _every_table(database_url)) == []
    if database_url.startswith("sqlite"):
        files = database_files(database_url)
        with contextlib.closing(sqlite3.connect(files[0])) as conn:  # the WAL into the file
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for path in [files[0], *database_files(database_url)[1:]]:
            assert _leaks(path.read_bytes()) == [], path.name
    elif shutil.which("pg_dump"):
        plain_url = database_url.replace("postgresql+asyncpg://", "postgresql://")
        dump = subprocess.run(["pg_dump", plain_url], capture_output=True, check=True).stdout
        assert b"CREATE TABLE public.tickets" in dump
        assert _leaks(dump) == []


async def _deleted(url: str, reference: str) -> bool:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            action = AuditEntry.action == "content_deleted"
            stmt = select(AuditEntry.id).where(action, AuditEntry.ticket_ref == reference)
            return (await conn.execute(stmt)).first() is not None
    finally:
        await engine.dispose()


async def _wait_deleted(url: str, reference: str) -> None:
    for _ in range(150):
        if await _deleted(url, reference):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the content of {reference} was not deleted")


async def test_retention_deletes_content_but_keeps_counts_and_held_tickets(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="400h")
    staff = staff_users(fake)
    siti, ani = staff[SITI], staff[ANI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        reporters = [fake.user(user_id=7400 + n, started=True) for n in range(2)]
        gone, held = await send_reports(fake, settings, reporters, WITH_STORY, clock.now())
        for ref in (gone, held):
            await wait_card(fake, ref)
        for ref in (gone, held):
            assert "Note added" in await say(fake, siti, f"/catatan {ref} {NOTE}")
        assert "Only coordinators" in await say(fake, siti, f"/tahan {held}")
        assert "is on legal hold" in await say(fake, ani, f"/tahan {held}")
        assert "already on legal hold" in await say(fake, ani, f"/hold {held}")
        for ref in (gone, held):
            assert f"{ref} closed" in await say(fake, ani, f"/tutup {ref} selesai")
        clock.advance(timedelta(days=89))  # not yet: 90 days after closing
        await asyncio.sleep(1.0)
        assert not await _deleted(database_url, gone)
        clock.advance(timedelta(days=2))
        await _wait_deleted(database_url, gone)

        purged = await _ticket(settings, gone)
        assert purged.report.story is None and purged.report.attachments == ()
        assert purged.report.indicators == ("documents_held",)  # statistics keep their ids
        assert purged.report.place == "sebatik_barat"
        assert await _notes(settings, gone) == []
        kept = await _ticket(settings, held)
        assert kept.report.story == STORY and await _notes(settings, held) == [NOTE]

        assert "legal hold on" in await say(fake, ani, f"/lepas {held}")
        clock.advance(timedelta(days=1, minutes=1))
        await _wait_deleted(database_url, held)
        assert (await _ticket(settings, held)).report.story is None
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(TicketRow))).scalar()
    await engine.dispose()
    assert count == 2  # the tickets still count
    assert _leaks(await _every_table(database_url)) == []


async def test_key_rotation_keeps_every_ticket_readable_while_the_app_runs(
    fake: FakeBotApi, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await set_up_task_force(database_url)
    old, new = new_data_key(), new_data_key()
    before = make_settings(fake, database_url, DATA_KEY=old, SLA_NORMAL="400h")
    siti = staff_users(fake)[SITI]
    async with running_app(before, fake):
        people = [fake.user(user_id=7500 + n, started=True) for n in range(3)]
        refs = await send_reports(fake, before, people, WITH_STORY, datetime.now(UTC))
        for ref in refs:
            await wait_card(fake, ref)
        assert "Note added" in await say(fake, siti, f"/catatan {refs[0]} {NOTE}")
    await _as_before_sealing(before, refs[1])  # a row from before this version: plaintext

    during = make_settings(fake, database_url, DATA_KEY=new, DATA_KEYS_OLD=old)
    async with running_app(during, fake):
        # The app keeps filing and showing tickets while every value is sealed again.
        rotated = asyncio.create_task(asyncio.to_thread(rotate_key, during))
        late = await send_reports(
            fake, during, [fake.user(user_id=7510, started=True)], WITH_STORY, datetime.now(UTC)
        )
        shown = await say(fake, siti, f"/lihat {refs[0]}")
        assert "Xyloquent" in shown
        assert await rotated == 0
    first = capsys.readouterr().out
    assert re.search(r"tickets\.report: [1-9]\d* re-sealed", first), first
    assert await asyncio.to_thread(rotate_key, during) == 0  # again: nothing left to do
    again = capsys.readouterr().out
    assert "tickets.report: 0 re-sealed, 4 already current, 0 unreadable" in again, again

    after = make_settings(fake, database_url, DATA_KEY=new)  # the old key is dropped
    for ref in [*refs, *late]:
        assert (await _ticket(after, ref)).report.story == STORY
    assert await _notes(after, refs[0]) == [NOTE]
    async with running_app(after, fake):
        assert "Vantrobel" in await say(fake, siti, f"/lihat {refs[0]}")


async def _as_before_sealing(settings: Settings, reference: str) -> None:
    """Write a ticket's report back as plaintext JSON, as versions before sealing stored it."""
    engine = create_engine(settings.DATABASE_URL)
    try:
        async with engine.begin() as conn:
            stored = (
                await conn.execute(select(TicketRow.report).where(TicketRow.reference == reference))
            ).scalar_one()
            async with session_factory(engine, Keys(reveal(settings.DATA_KEY)))() as s:
                plain = open_json(s, "tickets", reference, stored)
            await conn.execute(
                update(TicketRow).where(TicketRow.reference == reference).values(report=plain)
            )
    finally:
        await engine.dispose()
