"""A ticket: a filed report as the task force sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from flows.domain.duty.routing import Routing
from flows.domain.report import Report

# Crockford base32 without I, L, O, U: easy to read aloud and to type.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = r"TPPO-[0-9A-HJKMNP-TV-Z]{6}"
REFERENCE_LENGTH = len("TPPO-") + 6


class TicketStatus(StrEnum):
    """Where a ticket stands."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    REFERRED = "referred"
    CLOSED = "closed"


@dataclass(frozen=True)
class Ticket:
    """A filed report with its public reference and its place in triage."""

    reference: str
    status: TicketStatus
    report: Report
    created_at: datetime
    ack_due_at: datetime
    closed_reason: str | None = None
    # Triage: who holds it, when it was first acknowledged (and by whom), when it was closed.
    assignee: int | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None
    routing: Routing = field(default_factory=Routing)

    @property
    def open(self) -> bool:
        """Not closed."""
        return self.status is not TicketStatus.CLOSED

    @property
    def urgent(self) -> bool:
        """Someone was in danger when it was filed."""
        return self.report.urgent

    @property
    def child(self) -> bool:
        """A child is involved."""
        return self.report.child

    @property
    def low_information(self) -> bool:
        """Filed although every question was skipped (it takes the normal SLA)."""
        return self.report.low_information
