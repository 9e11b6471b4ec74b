"""The task force for end-to-end tests: a register, a roster, reports filed quickly, and ways
to watch the staff group and staff members' private chats."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.infra.catalog import load_catalog
from bot.infra.clock import ManualClock
from bot.infra.crypto import Keys
from bot.infra.settings import Settings, reveal
from flows.domain.duty.roster import parse_roster
from flows.domain.duty.staff import Role, StaffMember
from flows.domain.ticket import REFERENCE_PATTERN
from flows.intake import Answers, IntakeFlow, IntakeState, Node
from storage.db import Database
from storage.models import AuditEntry
from storage.repos.pipeline import conversations
from storage.repos.triage import roster, staff
from tests.e2e.harness import STAFF_CHAT_ID
from tests.fakes import FakeBotApi, FakeUser

WITA = ZoneInfo("Asia/Makassar")
SITI, BUDI, ANDI, ANI = 101, 102, 103, 104
MEMBERS = (
    StaffMember(SITI, "Siti"),
    StaffMember(BUDI, "Budi"),
    StaffMember(ANDI, "Andi"),
    StaffMember(ANI, "Ani", Role.COORDINATOR),
)
# Siti by day, Budi overnight, Andi backs up the day; Saturday night nobody is on duty.
ROSTER = """user_id,day,start,end,role
101,mon,08:00,20:00,primary
101,tue,08:00,20:00,primary
102,mon,20:00,08:00,primary
103,mon,08:00,20:00,backup
103,tue,08:00,20:00,backup
"""
URGENT = Answers(in_danger=True, indicators=("debt",))
ORDINARY = Answers(
    in_danger=False, indicators=("documents_held",), place_kind="kecamatan", place="sebatik_barat"
)


def wita(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in January 2026 (the 5th is a Monday), as UTC."""
    return datetime(2026, 1, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def manual_clock(fake: FakeBotApi, at: datetime) -> ManualClock:
    """Simulated wall-clock time from `at`; requests still paced by the fake's clock."""
    return ManualClock(at, monotonic=fake.clock)


async def set_up_task_force(
    database_url: str, members: Sequence[StaffMember] = MEMBERS, roster_csv: str | None = ROSTER
) -> None:
    """Register `members` and import the roster."""
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            for member in members:
                await staff.add(s, member, datetime(2026, 1, 1, tzinfo=UTC))
            if roster_csv is not None:
                await roster.replace(s, parse_roster(roster_csv))
    finally:
        await db.dispose()


def staff_users(
    fake: FakeBotApi, *, started: Sequence[int] = (SITI, BUDI, ANDI, ANI)
) -> dict[int, FakeUser]:
    """Fake users for the register; only those in `started` ever opened the bot privately."""
    return {
        m.user_id: fake.user(user_id=m.user_id, first_name=m.name, started=m.user_id in started)
        for m in MEMBERS
    }


async def send_reports(
    fake: FakeBotApi,
    settings: Settings,
    reporters: Sequence[FakeUser],
    answers: Answers | Sequence[Answers],
    at: datetime,
) -> list[str]:
    """Each reporter presses Send on a report already at its review (their drafts are stored
    as the intake would have); returns the references they were given, in order."""
    keys = Keys(reveal(settings.DATA_KEY), settings.old_data_keys())
    flow = IntakeFlow(load_catalog(None), default_locale="en", locales=("en", "id"))
    chosen = [answers] * len(reporters) if isinstance(answers, Answers) else list(answers)
    db = Database(settings.DATABASE_URL, sealer=keys)
    try:
        async with db.transaction() as s:
            for user, given in zip(reporters, chosen, strict=True):
                await conversations.save(
                    s, flow, keys.identity_key(user.id), IntakeState(Node.REVIEW, given, "en"), at
                )
    finally:
        await db.dispose()
    for user in reporters:
        await user.press_data("1|rv|send")
    references = []
    for user in reporters:
        await fake.wait_for(partial(_reference, user), timeout=30, what="a confirmation")
        references.append(_reference(user) or "")
    return references


def _reference(user: FakeUser) -> str | None:
    for text in user.texts():
        found = re.search(REFERENCE_PATTERN, text)
        if found:
            return found.group(0)
    return None


def group_texts(fake: FakeBotApi) -> list[str]:
    """The staff group's messages as they are now (after edits)."""
    return [m.get("text", "") for m in fake.messages_in(STAFF_CHAT_ID)]


def card_of(fake: FakeBotApi, reference: str) -> dict[str, Any] | None:
    """The group's card of a ticket (the message that starts with its flags and title)."""
    for message in fake.messages_in(STAFF_CHAT_ID):
        if f"New report {reference}" in message.get("text", ""):
            return message
    return None


async def wait_card(
    fake: FakeBotApi, reference: str, contains: str = "", timeout: float = 20
) -> dict[str, Any]:
    """Wait until the ticket's card holds `contains`; return it."""

    def ready() -> dict[str, Any] | None:
        card = card_of(fake, reference)
        return card if card is not None and contains in card.get("text", "") else None

    found: dict[str, Any] = await fake.wait_for(ready, timeout, f"card {reference} {contains!r}")
    return found


async def wait_group(fake: FakeBotApi, contains: str, timeout: float = 20) -> dict[str, Any]:
    """Wait for a group message holding `contains`; return the latest such."""

    def found() -> dict[str, Any] | None:
        hits = [m for m in fake.messages_in(STAFF_CHAT_ID) if contains in m.get("text", "")]
        return hits[-1] if hits else None

    message: dict[str, Any] = await fake.wait_for(found, timeout, f"group text {contains!r}")
    return message


async def wait_private(
    fake: FakeBotApi, user: FakeUser, contains: str, count: int = 1, timeout: float = 20
) -> list[str]:
    """Wait until `count` of the user's private messages hold `contains`."""

    def found() -> list[str] | None:
        hits = [t for t in user.texts() if contains in t]
        return hits if len(hits) >= count else None

    hits: list[str] = await fake.wait_for(found, timeout, f"{count} x {contains!r} to {user.id}")
    return hits


def toasts(fake: FakeBotApi) -> list[str]:
    """The texts of every answered button press, in order."""
    return [str(a.get("text", "")) for a in fake.callback_answers.values()]


async def audit_actions(database_url: str, reference: str | None = None) -> list[tuple[str, str]]:
    """(actor, action) of every audit row (about one ticket), in order."""
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            stmt = select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)
            if reference is not None:
                stmt = stmt.where(AuditEntry.ticket_ref == reference)
            return [(a, b) for a, b in await s.execute(stmt)]
    finally:
        await db.dispose()


def later(at: datetime, **delta: float) -> datetime:
    """`at` moved on."""
    return at + timedelta(**delta)


async def as_time_passes(
    fake: FakeBotApi,
    clock: ManualClock,
    predicate: Any,
    what: str,
    step: float = 1.0,
    limit: int = 60,
) -> Any:
    """Move simulated time on a `step` at a time (each after a short real pause) until
    `predicate()` holds: for what the app does a moment later, as real time would."""
    for _ in range(limit):
        found = predicate()
        if found:
            return found
        clock.advance(step)
        with contextlib.suppress(AssertionError):
            return await fake.wait_for(predicate, timeout=0.3, what=what)
    raise AssertionError(f"{what}: not after {limit * step:.0f} simulated seconds")
