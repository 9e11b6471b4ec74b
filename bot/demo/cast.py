"""Who is in the demo: the bot, a few reporters, the task force's group and its members.

Everyone here is made up. Reporter names are shown only on the demo page, never to staff: the
page makes it visible that the staff group learns nothing about who reported.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, time

from bot.demo.standin.world import Person

# Bot id 0 does not exist, so this can never be a real token (real ones are issued by BotFather).
DEMO_TOKEN = "0:LAPOR-TPPO-DEMO-never-a-real-token"  # noqa: S105 (a marker, not a secret)
BOT_USER = {
    "id": 5550000001,
    "is_bot": True,
    "first_name": "Lapor TPPO (DEMO)",
    "username": "lapor_tppo_demo_bot",
}
STAFF_CHAT_ID = -1005550000001
STAFF_CHAT_TITLE = "Gugus Tugas TPPO Nunukan (DEMO)"


@dataclass(frozen=True)
class Shift:
    """One line of the duty roster (design.md §4: user_id,day,start,end,role)."""

    day: str  # mon..sun or daily
    start: time
    end: time  # end <= start: the shift runs overnight
    role: str  # primary or backup

    def covers(self, at: datetime) -> bool:
        """True when `at` (local time) falls in this shift."""
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        moment = at.time()
        if self.end > self.start:
            return self.day in ("daily", days[at.weekday()]) and self.start <= moment < self.end
        if moment >= self.start:  # the evening part, on the shift's own day
            return self.day in ("daily", days[at.weekday()])
        # the morning part belongs to the shift that started the day before
        return moment < self.end and self.day in ("daily", days[(at.weekday() - 1) % 7])


@dataclass(frozen=True)
class StaffMember:
    """A task-force member of the demo, with their register role and shifts."""

    person: Person
    role: str  # member or coordinator
    shifts: tuple[Shift, ...]


def _staff(user_id: int, name: str, role: str, title: str, *shifts: Shift) -> StaffMember:
    return StaffMember(Person(user_id, name, "staff", "id", title), role, shifts)


REPORTERS = (
    Person(7100000001, "Siti", "reporter", "id"),
    Person(7100000002, "Rahmat", "reporter", "id"),
    Person(7100000003, "Nurul", "reporter", "ms"),
)
STAFF = (
    _staff(
        7200000001,
        "Rina",
        "coordinator",
        "Koordinator, DP3AP2KB",
        Shift("daily", time(7), time(19), "primary"),
    ),
    _staff(7200000002, "Dewi", "member", "UPTD PPA", Shift("daily", time(19), time(7), "primary")),
    _staff(
        7200000003, "Yusuf", "member", "Polres Nunukan", Shift("daily", time(0), time(0), "backup")
    ),
)

_new_ids = itertools.count(7100000101)


def new_reporter(name: str, language_code: str = "id") -> Person:
    """A fresh reporter (a scenario or the page's "new reporter" button)."""
    return Person(next(_new_ids), name, "reporter", language_code)


def on_duty(at: datetime, role: str = "primary") -> StaffMember | None:
    """Who the demo roster puts on duty at local time `at`."""
    return next((m for m in STAFF for s in m.shifts if s.role == role and s.covers(at)), None)


def roster_csv() -> str:
    """The demo roster in the `roster import` format."""
    lines = ["user_id,day,start,end,role"]
    for member in STAFF:
        lines += [
            f"{member.person.id},{s.day},{s.start:%H:%M},{s.end:%H:%M},{s.role}"
            for s in member.shifts
        ]
    return "\n".join(lines) + "\n"
