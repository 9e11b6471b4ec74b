"""What a status sent by the case system does to a ticket (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flows.domain.ticket import Ticket, TicketStatus

CASE_STATUSES = ("acknowledged", "referred", "closed")
CASE_CLOSED = "case_system"  # close reason: the case system closed it


def apply_case_status(ticket: Ticket, status: str, now: datetime) -> Ticket:
    """`ticket` with the case system's status: acknowledging it if needed, closing or
    reopening it; unchanged when it already has that status."""
    wanted = TicketStatus(status)
    if wanted is ticket.status:
        return ticket
    acknowledged = ticket.acknowledged_at or now
    if wanted is TicketStatus.CLOSED:
        return replace(
            ticket,
            status=wanted,
            acknowledged_at=acknowledged,
            closed_at=now,
            closed_by=None,
            closed_reason=CASE_CLOSED,
        )
    return replace(
        ticket,
        status=wanted,
        acknowledged_at=acknowledged,
        closed_at=None,
        closed_by=None,
        closed_reason=None,
    )
