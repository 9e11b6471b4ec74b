"""`lapor-tppo staff` and `lapor-tppo roster` against real databases, as an operator runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from storage.db import Database
from storage.models import AuditEntry, RosterShift

ROSTER = (
    "user_id,day,start,end,role\n101,daily,08:00,20:00,primary\n102,daily,20:00,08:00,primary\n"
)


async def cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
    *argv: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_the_register_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = lambda *argv: cli(monkeypatch, capsys, database_url, *argv)  # noqa: E731
    assert (await run("staff", "add", "101", "--name", " Siti  Aminah "))[:2] == (
        0,
        "added: 101 Siti Aminah (member)\n",
    )
    assert (await run("staff", "add", "103", "--name", "Ani", "--role", "coordinator"))[0] == 0
    assert (await run("staff", "add", "101", "--name", "Siti"))[1].startswith("updated")
    code, out, _ = await run("staff", "list")
    assert code == 0 and out.splitlines() == [
        f"{103:>14}  coordinator  Ani",
        f"{101:>14}  member       Siti",
    ]
    assert (await run("staff", "remove", "101"))[:2] == (0, "removed: 101 Siti\n")
    code, _, err = await run("staff", "remove", "101")
    assert code == 1 and "101 is not in the staff register" in err
    code, _, err = await run("staff", "add", "0", "--name", "x")
    assert code == 1 and "not a Telegram user id" in err
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            actions = (await s.scalars(select(AuditEntry.action))).all()
    finally:
        await db.dispose()
    assert actions == ["staff_add", "staff_add", "staff_add", "staff_remove"]


async def test_a_roster_imports_whole_or_not_at_all(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = lambda *argv: cli(monkeypatch, capsys, database_url, *argv)  # noqa: E731
    good = tmp_path / "roster.csv"
    good.write_text("\ufeff" + ROSTER, encoding="utf-8")  # as a spreadsheet saves it
    code, _, err = await run("roster", "import", str(good))
    assert code == 1 and "line 2, column user_id: 101 is not in the staff register" in err
    assert "line 3, column user_id: 102" in err and "nothing was imported" in err
    for user_id, name in (("101", "Siti"), ("102", "Budi")):
        await run("staff", "add", user_id, "--name", name)
    code, out, _ = await run("roster", "import", str(good))
    assert (code, out) == (0, "imported 2 shifts for 2 people (times in Asia/Makassar)\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(ROSTER + "102,fri,18:00,7:00,primary\n", encoding="utf-8")
    code, _, err = await run("roster", "import", str(bad))
    assert code == 1 and f"{bad}: line 4, column end: '7:00' is not a time" in err
    code, _, err = await run("roster", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "cannot read" in err
    code, out, _ = await run("roster", "show")
    assert code == 0
    assert "daily  08:00-20:00              primary             101  Siti" in out
    assert "daily  20:00-08:00 (overnight)  primary             102  Budi" in out
    assert "on duty now (Asia/Makassar): primary " in out
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            assert len((await s.scalars(select(RosterShift.id))).all()) == 2  # the good file only
    finally:
        await db.dispose()
