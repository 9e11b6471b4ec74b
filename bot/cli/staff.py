"""`lapor-tppo staff ...` and `lapor-tppo roster ...`: the operator's register and roster.

Each command applies pending migrations first, works in one transaction (a roster file with any
problem imports nothing) and records what it changed in the audit log as the operator.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.session import in_transaction
from bot.infra.clock import Clock
from bot.infra.settings import Settings
from flows.domain.duty.roster import Problem, RosterError, Shift, parse_roster
from flows.domain.duty.staff import Role, StaffMember, clean_name, valid_user_id
from storage.repos.triage import audit, roster, staff

_DAY_ORDER = {"daily": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def _fail(message: str) -> int:
    print(f"lapor-tppo: {message}", file=sys.stderr)
    return 1


def staff_add(settings: Settings, user_id: int, name: str, role: str) -> int:
    """Register someone (or change their name and role)."""
    cleaned = clean_name(name)
    if not valid_user_id(user_id):
        return _fail(f"{user_id} is not a Telegram user id")
    if cleaned is None:
        return _fail("the name must be 1 to 64 printable characters")
    member = StaffMember(user_id, cleaned, Role(role))

    async def work(session: AsyncSession) -> str:
        now = Clock().now()
        outcome = await staff.add(session, member, now)
        await audit.record(
            session,
            now,
            audit.OPERATOR,
            "staff_add",
            data={"user_id": user_id, "role": role, "outcome": outcome},
        )
        return outcome

    print(f"{in_transaction(settings, work)}: {user_id} {cleaned} ({role})")
    return 0


def staff_remove(settings: Settings, user_id: int) -> int:
    """Take someone off the register (their history stays)."""

    async def work(session: AsyncSession) -> StaffMember | None:
        now = Clock().now()
        removed = await staff.remove(session, user_id, now)
        if removed is not None:
            await audit.record(
                session, now, audit.OPERATOR, "staff_remove", data={"user_id": user_id}
            )
        return removed

    removed = in_transaction(settings, work)
    if removed is None:
        return _fail(f"{user_id} is not in the staff register")
    print(f"removed: {user_id} {removed.name}")
    return 0


def staff_list(settings: Settings) -> int:
    """Print the register."""
    members = in_transaction(settings, staff.active)
    if not members:
        print(
            "the staff register is empty: add someone with "
            "`lapor-tppo staff add USER_ID --name NAME --role coordinator`"
        )
    for m in members:
        print(f"{m.user_id:>14}  {m.role.value:<11}  {m.name}")
    return 0


def roster_import(settings: Settings, path: Path) -> int:
    """Replace the roster with a CSV file, or import nothing and name every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often add a byte-order mark
        shifts = parse_roster(text)
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror}")
    except (RosterError, UnicodeDecodeError) as exc:
        problems = (
            exc.problems
            if isinstance(exc, RosterError)
            else [Problem(1, "user_id", "the file is not UTF-8 text")]
        )
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        return _fail("nothing was imported")

    async def work(session: AsyncSession) -> list[Problem]:
        registered = {m.user_id for m in await staff.active(session)}
        missing = [
            Problem(
                s.line,
                "user_id",
                f"{s.user_id} is not in the staff register (add "
                f"them first: lapor-tppo staff add {s.user_id} --name NAME)",
            )
            for s in shifts
            if s.user_id not in registered
        ]
        if not missing:
            await roster.replace(session, shifts)
            await audit.record(
                session,
                Clock().now(),
                audit.OPERATOR,
                "roster_import",
                data={"shifts": len(shifts)},
            )
        return missing

    missing = in_transaction(settings, work)
    for problem in missing:
        print(f"{path}: {problem}", file=sys.stderr)
    if missing:
        return _fail("nothing was imported")
    people = len({s.user_id for s in shifts})
    print(f"imported {len(shifts)} shifts for {people} people (times in {settings.TIMEZONE})")
    return 0


def roster_show(settings: Settings) -> int:
    """Print the roster and who is on duty now."""

    async def work(session: AsyncSession) -> tuple[tuple[Shift, ...], dict[int, str], str]:
        shifts = await roster.shifts(session)
        names = await staff.names(session, [s.user_id for s in shifts])
        duty = await roster.duty(session, Clock().now(), settings.zone)
        now = (
            ", ".join(
                f"{role} {names.get(uid, uid)}"
                for role, uid in (("primary", duty.primary), ("backup", duty.backup))
                if uid
            )
            or "nobody"
        )
        return shifts, names, now

    shifts, names, now = in_transaction(settings, work)
    if not shifts:
        print("the roster is empty: import one with `lapor-tppo roster import FILE.csv`")
    for s in sorted(shifts, key=lambda s: (_DAY_ORDER[s.day], s.start, s.line)):
        overnight = " (overnight)" if s.end <= s.start else ""
        print(
            f"{s.day:<5}  {s.start:%H:%M}-{s.end:%H:%M}{overnight:<12}  {s.role.value:<7}  "
            f"{s.user_id:>14}  {names.get(s.user_id, '(not registered)')}"
        )
    print(f"on duty now ({settings.TIMEZONE}): {now}")
    return 0
