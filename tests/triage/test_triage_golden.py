"""Golden transcripts of what staff read: cards, answers to their actions, views and notices,
in English and Indonesian (rendered by the real translator). UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.infra.i18n import Translator
from flows.core import CommandEvent, Keyboard
from flows.domain.card import Staffing, ticket_card
from flows.domain.catalog import Catalog
from flows.domain.duty.roster import Duty
from flows.domain.duty.routing import Routing
from flows.domain.duty.sla import Step
from flows.domain.referral import Agency, Outcome, Referral
from flows.domain.stats import compute
from flows.domain.ticket import TicketStatus
from flows.domain.triage import (
    Assign,
    Claim,
    Close,
    CloseReason,
    HistoryEntry,
    ListScope,
    Note,
    RecordOutcome,
    Refer,
    Refusal,
    Reopen,
)
from flows.triage import Answered, TriageFlow, Who
from flows.triage.events import (
    CardPosted,
    Changed,
    Choices,
    Denied,
    DutyShown,
    DutyTaken,
    Listed,
    NoteAdded,
    NotFound,
    Result,
    StaffChanged,
    StaffListed,
    StaffRefused,
    StatsShown,
    TicketView,
    UnknownColleague,
)
from flows.triage.render import notices
from flows.triage.render.keyboards import card_keyboard, private_keyboard
from flows.triage.render.text import duration
from tests.triage.triagekit import (
    AT,
    BUDI,
    LINK,
    NAMES,
    SITI,
    WITA,
    Staffer,
    check_golden,
    show,
    text,
    ticket,
)

LOCALES = ("en", "id")
STAFF = Staffing(NAMES)
HELD = ticket(
    status=TicketStatus.ACKNOWLEDGED, assignee=101, acknowledged_at=AT, acknowledged_by=101
)
REFERRAL = Referral(Agency.POLRES, AT, 101, Outcome.ACCEPTED, AT)


def _keyboard(translator: Translator, rows: Keyboard, locale: str) -> str:
    return "\n".join(
        "  "
        + " | ".join(
            f"{translator.render(b.label, locale, as_html=False)} <{b.url or b.data}>" for b in row
        )
        for row in rows
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_cards_as_the_ticket_moves(catalog: Catalog, translator: Translator, locale: str) -> None:
    states = {
        "new, routed to the primary with a backup": ticket(),
        "the primary could not be reached": ticket(routing=Routing(101, 103, unreachable=(101,))),
        "nobody on duty": ticket(routing=Routing(None, None, (104,))),
        "handed to the backup": ticket(routing=Routing(101, 103, step=Step.BACKUP)),
        "taken": HELD,
        "referred": replace(HELD, status=TicketStatus.REFERRED),
        "closed": replace(
            HELD,
            status=TicketStatus.CLOSED,
            closed_reason="no_contact",
            closed_at=AT,
            closed_by=101,
        ),
    }
    parts = []
    for title, tk in states.items():
        staff = Staffing(NAMES, (REFERRAL,) if tk.status is TicketStatus.REFERRED else ())
        card = text(translator, ticket_card(tk, catalog, WITA, staff=staff), locale)
        parts.append(f"=== {title}\n{card}\n{_keyboard(translator, card_keyboard(tk), locale)}")
    check_golden(f"cards.{locale}", "\n\n".join(parts))


@pytest.mark.parametrize("locale", LOCALES)
def test_private_messages_calls_and_digests(
    catalog: Catalog, translator: Translator, locale: str
) -> None:
    tk = ticket()
    waited = duration(timedelta(minutes=10, seconds=5))
    messages = {
        "new, on duty": notices.new_for_you(tk, catalog, WITA, nobody_on_duty=False),
        "new, nobody on duty": notices.new_for_you(tk, catalog, WITA, nobody_on_duty=True),
        "reminder": notices.reminder(tk, catalog, WITA),
        "not taken in time": notices.handed_to_you(
            tk, catalog, WITA, notices.not_taken_in_time(waited)
        ),
        "primary unreachable": notices.handed_to_you(
            tk, catalog, WITA, notices.unreachable("Siti")
        ),
        "assigned": notices.assigned_to_you(tk, catalog, WITA, "Ani"),
        "call the group": notices.call_the_group(tk, waited),
        "digest": notices.digest(
            [
                notices.DigestLine(tk),
                notices.DigestLine(
                    replace(
                        tk,
                        reference="TPPO-000001",
                        report=replace(
                            tk.report,
                            in_danger=False,
                            victim_age=None,
                            indicators=(),
                            place_kind="typed",
                            place_text="Kebun sawit dekat " + "jalan " * 20,
                        ),
                    )
                ),
                notices.DigestLine(tk, overdue=True),
            ],
            AT + timedelta(minutes=12),
            catalog,
            WITA,
        ),
    }
    parts = [f"=== {title}\n{text(translator, value, locale)}" for title, value in messages.items()]
    parts.append(
        "=== private buttons\n" + _keyboard(translator, private_keyboard(tk, LINK), locale)
    )
    check_golden(f"notices.{locale}", "\n\n".join(parts))


@pytest.mark.parametrize("locale", LOCALES)
def test_answers_to_staff(flow: TriageFlow, translator: Translator, locale: str) -> None:
    staffer = Staffer(flow)
    typed, pressed = Who(SITI), Who(SITI, button=True)
    menu = Who(SITI, button=True, menu=True)
    later = AT + timedelta(minutes=7)
    history = (
        HistoryEntry(AT, "system", None, "routed", {"to": [101]}),
        HistoryEntry(
            AT + timedelta(minutes=3), "system", None, "escalated", {"step": "remind", "to": [101]}
        ),
        HistoryEntry(AT + timedelta(minutes=4), "101", "Siti", "claim", {}),
        HistoryEntry(AT + timedelta(minutes=5), "101", "Siti", "refer", {"agency": "polres"}),
        HistoryEntry(AT + timedelta(minutes=6), "102", "Budi", "close", {"reason": "duplicate"}),
    )
    week = compute(
        [HELD, replace(HELD, reference="TPPO-000002", acknowledged_at=later, acknowledged_by=102)],
        AT - timedelta(days=1),
        later,
    )
    results: list[tuple[Who, Result]] = [
        (typed, NotFound("TPPO-000000")),
        (pressed, Denied("TPPO-7KQ2XM", Refusal.HELD, "Budi")),
        (typed, Denied("TPPO-7KQ2XM", Refusal.NO_REFERRAL, agency=Agency.LPSK)),
        (pressed, Changed(Claim(), HELD, STAFF)),
        (typed, Changed(Assign(BUDI), replace(HELD, assignee=102), STAFF)),
        (menu, Changed(Close(CloseReason.DUPLICATE), HELD, STAFF)),
        (typed, Changed(Refer(Agency.KJRI_TAWAU), HELD, STAFF)),
        (typed, Changed(RecordOutcome(Agency.KJRI_TAWAU, Outcome.NO_RESPONSE), HELD, STAFF)),
        (typed, Changed(Reopen(), HELD, STAFF)),
        (
            typed,
            TicketView(
                HELD,
                Staffing(NAMES, (REFERRAL,)),
                (Note(AT, 102, "Keluarga <b>ditelepon</b>: " + "x" * 400),),
                4,
                history,
                3,
                card_link=f"{LINK}/7",
            ),
        ),
        (typed, Listed(ListScope.OPEN, (ticket(), HELD), 17, STAFF)),
        (typed, Listed(ListScope.MINE, (), 0, STAFF)),
        (pressed, Choices(HELD, "assign", colleagues=(BUDI,))),
        (
            pressed,
            Choices(HELD, "outcome", referrals=(replace(REFERRAL, outcome=Outcome.PENDING),)),
        ),
        (pressed, Choices(HELD, "outcome", referrals=(REFERRAL,))),
        (pressed, NoteAdded("TPPO-7KQ2XM")),
        (pressed, CardPosted("TPPO-7KQ2XM")),
        (typed, DutyShown(Duty(101, 103), (AT + timedelta(hours=11), Duty(102, None)), NAMES)),
        (typed, DutyShown(Duty(None, None), None, NAMES, (104,))),
        (typed, DutyTaken(AT + timedelta(hours=2), "Siti")),
        (typed, StatsShown(week, week, NAMES)),
        (typed, StaffListed((SITI, BUDI))),
        (typed, StaffChanged(BUDI, "added")),
        (typed, StaffChanged(BUDI, "removed")),
        (typed, StaffRefused(104, "last_coordinator")),
        (typed, UnknownColleague("TPPO-7KQ2XM", "zed")),
    ]
    parts = [
        f"=== {type(result).__name__} ({'button' if who.button else 'typed'})\n"
        + show(translator, staffer.answer(Answered(later, who, result)).replies, locale)
        for who, result in results
    ]
    parts.append(
        "=== /bantuan\n"
        + show(translator, staffer.send(CommandEvent(AT, "bantuan")).replies, locale)
    )
    check_golden(f"answers.{locale}", "\n\n".join(parts))
