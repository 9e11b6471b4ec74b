"""What staff may do to a ticket (pure rules), the SLA ladder and routing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from flows.domain.duty.roster import Duty
from flows.domain.duty.routing import Routing, route, routing_from_dict, routing_to_dict
from flows.domain.duty.sla import Step, due, following, latest_due
from flows.domain.duty.staff import Role, StaffMember, clean_name
from flows.domain.referral import Agency, Outcome
from flows.domain.report import Report
from flows.domain.stats import compute, month_start, percentile, week_start
from flows.domain.ticket import Ticket, TicketStatus
from flows.domain.triage import (
    Assign,
    Change,
    Claim,
    Close,
    CloseReason,
    RecordOutcome,
    Refer,
    Refusal,
    Refused,
    Reopen,
    decide,
)

AT = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
SITI = StaffMember(1, "Siti")
BUDI = StaffMember(2, "Budi")
ANI = StaffMember(3, "Ani", Role.COORDINATOR)


def ticket(**changes: object) -> Ticket:
    base = Ticket("TPPO-ABC123", TicketStatus.NEW, Report(AT, "id"), AT, AT + timedelta(minutes=10))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_claiming_a_new_ticket_acknowledges_it() -> None:
    later = AT + timedelta(minutes=3)
    change = decide(ticket(), Claim(), SITI, later)
    assert isinstance(change, Change) and change.acknowledged and change.audit == "claim"
    assert (change.ticket.status, change.ticket.assignee) == (TicketStatus.ACKNOWLEDGED, 1)
    assert (change.ticket.acknowledged_at, change.ticket.acknowledged_by) == (later, 1)
    again = decide(change.ticket, Claim(), SITI, later)
    assert again == Refused(Refusal.ALREADY_YOURS)


def test_a_held_ticket_is_only_handled_by_its_holder_or_a_coordinator() -> None:
    held = ticket(
        status=TicketStatus.ACKNOWLEDGED, assignee=1, acknowledged_at=AT, acknowledged_by=1
    )
    for action in (Claim(), Close(CloseReason.SPAM), Refer(Agency.POLRES), Assign(BUDI)):
        assert decide(held, action, BUDI, AT) == Refused(Refusal.HELD, 1)
    taken = decide(held, Claim(), ANI, AT)
    assert isinstance(taken, Change) and taken.audit == "take_over"
    assert taken.ticket.assignee == 3 and not taken.acknowledged
    assert taken.ticket.acknowledged_by == 1  # the first acknowledgment stays on record


def test_assigning_referring_closing_and_reopening() -> None:
    assigned = decide(ticket(), Assign(BUDI), SITI, AT)
    assert isinstance(assigned, Change) and assigned.acknowledged
    assert assigned.ticket.assignee == 2 and assigned.ticket.acknowledged_by == 1
    assert decide(assigned.ticket, Assign(BUDI), BUDI, AT) == Refused(Refusal.ALREADY_THEIRS, 2)
    referred = decide(assigned.ticket, Refer(Agency.KJRI_TAWAU), BUDI, AT)
    assert isinstance(referred, Change) and referred.ticket.status is TicketStatus.REFERRED
    outcome = decide(referred.ticket, RecordOutcome(Agency.KJRI_TAWAU, Outcome.ACCEPTED), BUDI, AT)
    assert isinstance(outcome, Change) and outcome.ticket == referred.ticket
    closed = decide(referred.ticket, Close(CloseReason.RESOLVED), BUDI, AT)
    assert isinstance(closed, Change)
    assert (closed.ticket.status, closed.ticket.closed_reason) == (TicketStatus.CLOSED, "resolved")
    assert decide(closed.ticket, Claim(), ANI, AT) == Refused(Refusal.CLOSED)
    assert decide(closed.ticket, Close(CloseReason.SPAM), BUDI, AT) == Refused(Refusal.CLOSED)
    assert decide(referred.ticket, Reopen(), BUDI, AT) == Refused(Refusal.NOT_CLOSED)
    reopened = decide(closed.ticket, Reopen(), BUDI, AT)
    assert isinstance(reopened, Change) and reopened.ticket.status is TicketStatus.ACKNOWLEDGED
    assert reopened.ticket.closed_reason is None and reopened.ticket.closed_at is None


def test_closing_a_new_ticket_counts_as_acknowledging_it() -> None:
    closed = decide(ticket(), Close(CloseReason.SPAM), SITI, AT + timedelta(minutes=1))
    assert isinstance(closed, Change) and closed.acknowledged
    assert closed.ticket.acknowledged_at == AT + timedelta(minutes=1)


def test_the_sla_ladder_and_catching_up_after_downtime() -> None:
    created, ack = AT, AT + timedelta(minutes=10)
    assert [due(created, ack, s) - AT for s in Step] == [
        timedelta(minutes=m) for m in (5, 10, 15, 20)
    ]
    assert latest_due(created, ack, AT + timedelta(minutes=4)) is None
    assert latest_due(created, ack, AT + timedelta(minutes=5)) is Step.REMIND
    assert latest_due(created, ack, AT + timedelta(minutes=17)) is Step.COORDINATORS
    assert latest_due(created, ack, AT + timedelta(days=1)) is Step.GROUP
    assert following(Step.REMIND) is Step.BACKUP and following(Step.GROUP) is None


def test_routing_follows_the_ladder_and_skips_the_unreachable() -> None:
    routed = route(Duty(1, 2), [3, 4])
    assert routed == Routing(1, 2) and routed.waiting_on([3, 4]) == (1,)
    assert routed.recipients(Step.REMIND, [3, 4]) == (1,)
    assert routed.recipients(Step.BACKUP, [3, 4]) == (2,)
    assert routed.recipients(Step.COORDINATORS, [3, 4]) == (3, 4)
    assert routed.recipients(Step.GROUP, [3, 4]) == ()
    unreachable = replace(routed, unreachable=(1,))
    assert unreachable.waiting_on([3]) == (2,)
    assert replace(routed, step=Step.BACKUP).recipients(Step.REMIND, [3]) == (2,)
    alone = route(Duty(None, None), [3, 4])
    assert alone.nobody_on_duty and alone.waiting_on([]) == (3, 4)
    no_backup = route(Duty(1, None), [3])
    assert no_backup.recipients(Step.BACKUP, [3]) == (3,)
    assert routing_from_dict(routing_to_dict(unreachable)) == unreachable
    assert routing_from_dict(None) == Routing()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Siti   Aminah ", "Siti Aminah"), ("", None), ("x" * 65, None), ("a\u0000b", None)],
)
def test_names_are_tidied_or_refused(raw: str, clean: str | None) -> None:
    assert clean_name(raw) == clean


def test_percentiles_use_the_nearest_rank() -> None:
    minutes = [timedelta(minutes=m) for m in (9, 1, 3, 7, 5, 2, 8, 4, 6, 10)]
    assert percentile(minutes, 50) == timedelta(minutes=5)
    assert percentile(minutes, 90) == timedelta(minutes=9)
    assert percentile(minutes[:1], 90) == timedelta(minutes=9)
    assert percentile([], 50) is None


def test_statistics_count_and_time_the_tickets_of_a_period() -> None:
    def filed(minutes: int, **changes: object) -> Ticket:
        at = AT + timedelta(minutes=minutes)
        return ticket(created_at=at, **changes)

    tickets = [
        filed(
            0,
            report=Report(AT, "id", in_danger=True, indicators=("debt", "child")),
            status=TicketStatus.ACKNOWLEDGED,
            acknowledged_at=AT + timedelta(minutes=4),
            acknowledged_by=1,
        ),
        filed(
            10,
            report=Report(AT, "id", indicators=("debt",)),
            status=TicketStatus.CLOSED,
            acknowledged_at=AT + timedelta(minutes=12),
            acknowledged_by=2,
        ),
        filed(20, report=Report(AT, "id", victim_age="13_17")),
        filed(-60 * 24 * 40),  # last month: not counted
    ]
    stats = compute(tickets, AT - timedelta(days=1), AT + timedelta(days=1))
    assert stats.total == 3 and (stats.urgent, stats.child, stats.normal) == (1, 1, 1)
    assert dict(stats.by_status)[TicketStatus.NEW] == 1
    assert stats.by_indicator == (("debt", 2), ("child", 1))
    assert (stats.ack.count, stats.ack.median, stats.ack.p90) == (
        2,
        timedelta(minutes=2),
        timedelta(minutes=4),
    )
    assert [uid for uid, _ in stats.by_responder] == [2, 1]


def test_weeks_start_on_monday_and_months_on_the_first_local_time() -> None:
    from zoneinfo import ZoneInfo

    wita = ZoneInfo("Asia/Makassar")
    sunday_night = datetime(2026, 1, 11, 23, 30, tzinfo=wita)
    assert week_start(sunday_night, wita) == datetime(2026, 1, 5, tzinfo=wita)
    assert month_start(datetime(2026, 2, 1, 0, 30, tzinfo=wita).astimezone(UTC), wita) == datetime(
        2026, 2, 1, tzinfo=wita
    )
