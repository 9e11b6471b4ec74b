"""Registering the demo's task force: staff register and duty roster, through the CLI.

The register and roster arrive with the staff-triage work. The demo seeds them through the
command line that design.md §4 fixes (`staff add USER_ID --name NAME --role ROLE`, `roster
import FILE.csv`), run in this process against the demo's own settings, and only when this build
has those commands: before that, staff are plain members of the group and the demo says so.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

from bot.demo.cast import STAFF, roster_csv
from bot.infra.settings import Settings


def cli_commands() -> set[str]:
    """The sub-commands this build's `lapor-tppo` knows."""
    from bot.cli.main import parser

    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def seed_plan(folder: Path) -> list[list[str]]:
    """The CLI calls that register the demo staff and load their roster (writes the CSV)."""
    roster = folder / "roster.csv"
    roster.write_text(roster_csv(), encoding="utf-8")
    plan = [
        ["staff", "add", str(m.person.id), "--name", m.person.name, "--role", m.role] for m in STAFF
    ]
    return [*plan, ["roster", "import", str(roster)]]


def _run(argv: list[str], settings: Settings) -> str | None:
    from bot.cli.main import main

    quiet = io.StringIO()
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            code = main(argv, settings=settings)
    except SystemExit as exc:  # argparse refusing an option this build does not have
        code = exc.code if isinstance(exc.code, int) else 2
    return None if code == 0 else f"`{' '.join(argv[:2])}` failed (exit {code})"


def seed(settings: Settings, folder: Path) -> list[str]:
    """Register the demo staff and roster when the build can; returns lines for the console.

    Call it after migrations and before the services start (the CLI may run its own event loop).
    """
    if not {"staff", "roster"} <= cli_commands():
        return ["staff register: not in this build yet, so staff act as plain group members"]
    problems = [p for argv in seed_plan(folder) if (p := _run(argv, settings)) is not None]
    if problems:
        return [f"staff register: {p}" for p in problems]
    return [f"staff register: {len(STAFF)} demo staff and their roster are registered"]
