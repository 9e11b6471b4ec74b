"""What a status from the case system does to a ticket (pure rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flows.domain.caselink import CASE_CLOSED, apply_case_status
from flows.domain.ticket import Ticket, TicketStatus
from tests.casesystem.casekit import START, report

LATER = START + timedelta(hours=2)
NEW = Ticket("TPPO-000000", TicketStatus.NEW, report(START), START, START)


def test_acknowledging_a_new_ticket_stamps_the_time() -> None:
    done = apply_case_status(NEW, "acknowledged", LATER)
    assert (done.status, done.acknowledged_at, done.acknowledged_by) == (
        TicketStatus.ACKNOWLEDGED,
        LATER,
        None,
    )
    assert apply_case_status(done, "acknowledged", LATER + timedelta(hours=1)) is done


def test_closing_records_the_case_system_and_a_later_status_reopens() -> None:
    taken = replace(NEW, status=TicketStatus.ACKNOWLEDGED, acknowledged_at=START, assignee=101)
    closed = apply_case_status(taken, "closed", LATER)
    assert (closed.status, closed.closed_at, closed.closed_reason) == (
        TicketStatus.CLOSED,
        LATER,
        CASE_CLOSED,
    )
    assert closed.acknowledged_at == START and closed.assignee == 101
    reopened = apply_case_status(closed, "referred", LATER)
    assert reopened.status is TicketStatus.REFERRED
    assert (reopened.closed_at, reopened.closed_reason) == (None, None)
