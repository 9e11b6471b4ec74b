"""Helpers for the pure triage tests: tickets, staff, a flow driver, and golden files.

Golden files hold what staff read, rendered by the real translator in English and Indonesian.
Run with UPDATE_GOLDEN=1 to rewrite them after an intended change, then read the diff.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.infra.i18n import Translator
from flows.core import Event, Reply, Text, Transition
from flows.domain.duty.routing import Routing
from flows.domain.duty.staff import Role, StaffMember
from flows.domain.report import Report
from flows.domain.ticket import Ticket, TicketStatus
from flows.triage import StaffEvent, TriageFlow, TriageState

GOLDEN = Path(__file__).parent / "golden"
WITA = ZoneInfo("Asia/Makassar")
AT = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # Monday 09:00 WITA
SITI = StaffMember(101, "Siti")
BUDI = StaffMember(102, "Budi")
ANI = StaffMember(104, "Ani", Role.COORDINATOR)
NAMES = {101: "Siti", 102: "Budi", 103: "Andi", 104: "Ani"}
LINK = "https://t.me/c/1234567890"


def ticket(**changes: object) -> Ticket:
    """A realistic ticket: someone in danger, a child, in Sebatik Barat."""
    report = Report(
        AT,
        "id",
        in_danger=True,
        reporter_role="keluarga",
        indicators=("debt", "documents_held", "child", "confined"),
        place_kind="kecamatan",
        place="sebatik_barat",
        when="this_week",
        victim_count="two_five",
        victim_age="13_17",
        story="Mereka <b>menahan</b> paspornya & tidak boleh pulang.",
    )
    base = Ticket(
        "TPPO-7KQ2XM",
        TicketStatus.NEW,
        report,
        AT,
        AT + timedelta(minutes=5),
        routing=Routing(101, 103),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class Staffer:
    """Feeds a staff member's events to the flow, keeping their state like the adapter."""

    def __init__(
        self, flow: TriageFlow, actor: StaffMember | None = SITI, private: bool = False
    ) -> None:
        self.flow, self.actor, self.private = flow, actor, private
        self.state: TriageState | None = None

    def send(self, inner: Event, reply_to_bot: bool = False) -> Transition[TriageState]:
        step = self.flow.step(
            self.state, StaffEvent(inner.at, self.actor, inner, self.private, reply_to_bot)
        )
        self.state = step.state
        return step

    def answer(self, event: Event) -> Transition[TriageState]:
        step = self.flow.step(self.state, event)
        self.state = step.state
        return step


def show(translator: Translator, replies: Sequence[Reply], locale: str = "en") -> str:
    """Replies as staff see them: kind, text, then each row of buttons with its data."""
    out = []
    for reply in replies:
        kinds = [k for k in ("toast", "edit", "force_reply") if getattr(reply, k)] or ["message"]
        out.append(f"[{','.join(kinds)}] {translator.render(reply.text, locale)}")
        for row in reply.keyboard:
            out.append(
                "  "
                + " | ".join(
                    f"{translator.render(b.label, locale, as_html=False)} <{b.url or b.data}>"
                    for b in row
                )
            )
    return "\n".join(out)


def text(translator: Translator, value: Text, locale: str = "en") -> str:
    """A text as staff read it."""
    return translator.render(value, locale)


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/triage/golden/<name>.txt (UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual + "\n", encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert actual + "\n" == path.read_text(encoding="utf-8")
