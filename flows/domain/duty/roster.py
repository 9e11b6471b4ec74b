"""The duty roster: who is on duty when, read from the operator's CSV, in the local time zone.

A shift runs on a weekday (or daily) from `start` to `end` local time; `end <= start` runs
overnight into the next day (equal times: a whole day). Someone may also take duty for a while
(`Override`, from `/piket ambil`), which makes them the primary until it ends.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from flows.core.errors import FlowError
from flows.domain.duty.staff import valid_user_id

COLUMNS = ("user_id", "day", "start", "end", "role")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAILY = "daily"
MAX_PROBLEMS = 20
# How far ahead `next_change` looks: a weekly roster repeats after seven days.
HORIZON = timedelta(days=8)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class DutyRole(StrEnum):
    """The part someone plays in a shift."""

    PRIMARY = "primary"
    BACKUP = "backup"


@dataclass(frozen=True)
class Shift:
    """One roster row: `user_id` is `role` on `day` from `start` to `end` (local time)."""

    user_id: int
    day: str
    start: time
    end: time
    role: DutyRole
    line: int = 0  # the CSV line it came from: earlier lines win when shifts overlap

    def spans(self, day: date, zone: tzinfo) -> tuple[datetime, datetime] | None:
        """When this shift runs if it starts on `day`, or None when it does not start then."""
        if self.day != DAILY and DAYS[day.weekday()] != self.day:
            return None
        start = datetime.combine(day, self.start, tzinfo=zone)
        end_day = day if self.end > self.start else day + timedelta(days=1)
        return start, datetime.combine(end_day, self.end, tzinfo=zone)


@dataclass(frozen=True)
class Override:
    """Someone took duty from `starts_at` to `ends_at` (covering a colleague)."""

    user_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Duty:
    """Who is on duty at one moment; `covering` when the primary took duty by override."""

    primary: int | None = None
    backup: int | None = None
    covering: bool = False


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell of the roster CSV."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class RosterError(FlowError):
    """The roster CSV has problems; nothing of it may be imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _time(text: str) -> time | None:
    match = _TIME.fullmatch(text)
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _row(line: int, cells: list[str]) -> tuple[Shift | None, list[Problem]]:
    values = [c.strip() for c in cells]
    if len(values) != len(COLUMNS):
        column = COLUMNS[len(values)] if len(values) < len(COLUMNS) else "(extra)"
        return None, [
            Problem(
                line,
                column,
                f"expected {len(COLUMNS)} columns ({','.join(COLUMNS)}), found {len(values)}",
            )
        ]
    user, day, start_text, end_text, role = values
    problems = []
    if not user.isdigit() or not valid_user_id(int(user)):
        problems.append(Problem(line, "user_id", f"{user!r} is not a Telegram user id"))
    if day.lower() not in (*DAYS, DAILY):
        problems.append(Problem(line, "day", f"{day!r} is not one of {', '.join(DAYS)}, daily"))
    start, end = _time(start_text), _time(end_text)
    for column, text, parsed in (("start", start_text, start), ("end", end_text, end)):
        if parsed is None:
            problems.append(Problem(line, column, f"{text!r} is not a time HH:MM (00:00-23:59)"))
    if role.lower() not in tuple(DutyRole):
        problems.append(Problem(line, "role", f"{role!r} is not primary or backup"))
    if problems or start is None or end is None:
        return None, problems
    return Shift(int(user), day.lower(), start, end, DutyRole(role.lower()), line), []


def parse_roster(text: str) -> tuple[Shift, ...]:
    """The shifts in a roster CSV (header `user_id,day,start,end,role`); raises RosterError.

    Blank lines and lines starting with `#` are skipped. Every problem is reported with its
    line and column, up to `MAX_PROBLEMS`.
    """
    rows = [
        (n, cells)
        for n, cells in enumerate(csv.reader(text.splitlines()), start=1)
        if cells and any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#")
    ]
    if not rows:
        raise RosterError(
            [
                Problem(
                    1, "user_id", "the file is empty: the first line must be " + ",".join(COLUMNS)
                )
            ]
        )
    line, header = rows[0]
    names = tuple(c.strip().lower() for c in header)
    if names != COLUMNS:
        bad = next((i for i, c in enumerate(COLUMNS) if i >= len(names) or names[i] != c), 0)
        raise RosterError([Problem(line, COLUMNS[bad], f"the header must be {','.join(COLUMNS)}")])
    shifts, problems = [], []
    for line, cells in rows[1:]:
        shift, found = _row(line, cells)
        problems.extend(found)
        if shift is not None:
            shifts.append(shift)
    if problems:
        raise RosterError(problems[:MAX_PROBLEMS])
    return tuple(shifts)


def roster_csv(shifts: Iterable[Shift]) -> str:
    """The shifts back as CSV text, in the import format."""
    lines = [",".join(COLUMNS)]
    lines += [f"{s.user_id},{s.day},{s.start:%H:%M},{s.end:%H:%M},{s.role.value}" for s in shifts]
    return "\n".join(lines) + "\n"


def _active(shifts: Iterable[Shift], at: datetime, zone: tzinfo) -> list[Shift]:
    local = at.astimezone(zone)
    found = []
    for shift in shifts:
        for day in (local.date() - timedelta(days=1), local.date()):
            span = shift.spans(day, zone)
            if span is not None and span[0] <= local < span[1]:
                found.append(shift)
                break
    return sorted(found, key=lambda s: s.line)


def on_duty(
    shifts: Sequence[Shift], overrides: Sequence[Override], at: datetime, zone: tzinfo
) -> Duty:
    """Who is primary and backup at `at`: the latest override, else the earliest roster line."""
    taken = sorted(
        (o for o in overrides if o.starts_at <= at < o.ends_at), key=lambda o: o.starts_at
    )
    active = _active(shifts, at, zone)
    primaries = [s.user_id for s in active if s.role is DutyRole.PRIMARY]
    primary = taken[-1].user_id if taken else (primaries[0] if primaries else None)
    backups = [s.user_id for s in active if s.role is DutyRole.BACKUP and s.user_id != primary]
    return Duty(primary, backups[0] if backups else None, covering=bool(taken))


def _boundaries(
    shifts: Sequence[Shift], overrides: Sequence[Override], at: datetime, zone: tzinfo
) -> list[datetime]:
    local = at.astimezone(zone)
    found: set[datetime] = set()
    for offset in range(-1, HORIZON.days + 1):
        day = local.date() + timedelta(days=offset)
        for shift in shifts:
            span = shift.spans(day, zone)
            if span is not None:
                found.update(span)
    for override in overrides:
        found.update((override.starts_at, override.ends_at))
    return sorted(b for b in found if at < b <= at + HORIZON)


def next_change(
    shifts: Sequence[Shift], overrides: Sequence[Override], at: datetime, zone: tzinfo
) -> tuple[datetime, Duty] | None:
    """When duty next passes to other people within `HORIZON`, and to whom; None if never."""
    now = on_duty(shifts, overrides, at, zone)
    for boundary in _boundaries(shifts, overrides, at, zone):
        then = on_duty(shifts, overrides, boundary, zone)
        if (then.primary, then.backup) != (now.primary, now.backup):
            return boundary, then
    return None
