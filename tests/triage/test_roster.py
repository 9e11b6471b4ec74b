"""The duty roster: CSV parsing with line-and-column errors, and who is on duty when."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.domain.duty.roster import (
    Duty,
    DutyRole,
    Override,
    RosterError,
    Shift,
    next_change,
    on_duty,
    parse_roster,
    roster_csv,
)

WITA = ZoneInfo("Asia/Makassar")  # UTC+8, no daylight saving
ROSTER = """user_id,day,start,end,role
# weekdays: Siti by day, Budi overnight; Andi backs them up
101,mon,08:00,20:00,primary
102,mon,20:00,08:00,primary
103,daily,08:00,08:00,backup
104,sat,09:00,12:00,primary
"""


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """January 2026: the 5th is a Monday."""
    return datetime(2026, 1, day, hour, minute, tzinfo=WITA)


def test_a_roster_parses_into_shifts_and_back() -> None:
    shifts = parse_roster(ROSTER)
    assert shifts[0] == Shift(101, "mon", time(8), time(20), DutyRole.PRIMARY, 3)
    assert [s.user_id for s in shifts] == [101, 102, 103, 104]
    assert parse_roster(roster_csv(shifts)) == tuple(
        Shift(s.user_id, s.day, s.start, s.end, s.role, n) for n, s in enumerate(shifts, start=2)
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("user_id,day,start,end\n", "line 1, column role: the header must be"),
        ("", "line 1, column user_id: the file is empty"),
        ("user_id,day,start,end,role\n101,mon,08:00,20:00\n", "line 2, column role: expected 5"),
        ("user_id,day,start,end,role\nabc,mon,08:00,20:00,primary\n", "line 2, column user_id:"),
        ("user_id,day,start,end,role\n1,monday,08:00,20:00,primary\n", "line 2, column day:"),
        ("user_id,day,start,end,role\n1,mon,8:00,20:00,primary\n", "line 2, column start:"),
        ("user_id,day,start,end,role\n1,mon,08:00,24:00,primary\n", "line 2, column end:"),
        ("user_id,day,start,end,role\n\n1,mon,08:00,20:00,chief\n", "line 3, column role:"),
    ],
)
def test_a_bad_row_names_its_line_and_column(text: str, problem: str) -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster(text)
    assert str(caught.value).startswith(problem)


def test_every_bad_cell_is_reported_at_once() -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster("user_id,day,start,end,role\n1,xx,08:00,20:00,primary\n2,mon,25:00,x,x\n")
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (2, "day"),
        (3, "start"),
        (3, "end"),
        (3, "role"),
    ]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(5, 9), Duty(101, 103)),  # Monday day shift
        (local(5, 19, 59), Duty(101, 103)),
        (local(5, 20), Duty(102, 103)),  # Monday night...
        (local(6, 7, 59), Duty(102, 103)),  # ...runs into Tuesday morning
        (local(6, 8), Duty(None, 103)),  # Tuesday: only the daily backup
        (local(10, 10), Duty(104, 103)),  # Saturday
        (local(10, 12), Duty(None, 103)),
    ],
)
def test_who_is_on_duty_at_different_times_of_the_week(at: datetime, expected: Duty) -> None:
    assert on_duty(parse_roster(ROSTER), (), at.astimezone(UTC), WITA) == expected


def test_an_override_makes_someone_primary_until_it_ends() -> None:
    shifts = parse_roster(ROSTER)
    at = local(5, 9).astimezone(UTC)
    cover = Override(105, at, at + timedelta(hours=2))
    assert on_duty(shifts, [cover], at, WITA) == Duty(105, 103, covering=True)
    assert on_duty(shifts, [cover], at + timedelta(hours=2), WITA) == Duty(101, 103)
    later = Override(106, at + timedelta(minutes=30), at + timedelta(hours=1))
    assert on_duty(shifts, [cover, later], at + timedelta(minutes=45), WITA).primary == 106


def test_the_backup_is_never_the_primary_too() -> None:
    shifts = parse_roster(
        "user_id,day,start,end,role\n7,daily,00:00,00:00,primary\n"
        "7,daily,00:00,00:00,backup\n8,daily,00:00,00:00,backup\n"
    )
    assert on_duty(shifts, (), local(5, 3), WITA) == Duty(7, 8)


def test_the_next_change_of_duty() -> None:
    shifts = parse_roster(ROSTER)
    change = next_change(shifts, (), local(5, 9).astimezone(UTC), WITA)
    assert change == (local(5, 20), Duty(102, 103))
    assert next_change(shifts, (), local(6, 9), WITA) == (local(10, 9), Duty(104, 103))
    assert next_change((), (), local(5, 9), WITA) is None
