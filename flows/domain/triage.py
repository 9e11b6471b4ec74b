"""What staff may do to a ticket and what it does (pure): claim, assign, refer, close, reopen.

Permission rule: anyone registered may view, list and note; a ticket nobody holds may be taken
by anyone; a held ticket is handled by its holder or a coordinator. Any first action on a new
ticket acknowledges it, which stops its SLA clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from flows.core import Text, t
from flows.domain.duty.staff import StaffMember
from flows.domain.referral import Agency, Outcome
from flows.domain.ticket import Ticket, TicketStatus


class CloseReason(StrEnum):
    """Why a ticket was closed (always recorded)."""

    RESOLVED = "resolved"
    NOT_TRAFFICKING = "not_trafficking"
    DUPLICATE = "duplicate"
    NO_CONTACT = "no_contact"
    SPAM = "spam"


CLOSE_LABELS: dict[CloseReason, Text] = {
    CloseReason.RESOLVED: t("resolved"),
    CloseReason.NOT_TRAFFICKING: t("not trafficking"),
    CloseReason.DUPLICATE: t("duplicate"),
    CloseReason.NO_CONTACT: t("no contact"),
    CloseReason.SPAM: t("spam"),
}
CLOSE_WORDS: dict[str, CloseReason] = {
    **{r.value: r for r in CloseReason},
    "selesai": CloseReason.RESOLVED,
    "bukan_tppo": CloseReason.NOT_TRAFFICKING,
    "duplikat": CloseReason.DUPLICATE,
    "tanpa_kontak": CloseReason.NO_CONTACT,
    "tidak_ada_kontak": CloseReason.NO_CONTACT,
}


def close_label(reason: str | None) -> Text | None:
    """The label of a stored close reason (None when there is none or it is unknown)."""
    try:
        return CLOSE_LABELS[CloseReason(reason)] if reason else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Claim:
    """Take the ticket."""


@dataclass(frozen=True)
class Assign:
    """Give the ticket to a colleague."""

    to: StaffMember


@dataclass(frozen=True)
class Refer:
    """Refer the ticket to an agency (a new referral)."""

    agency: Agency


@dataclass(frozen=True)
class RecordOutcome:
    """Record what became of the latest referral to an agency."""

    agency: Agency
    outcome: Outcome


@dataclass(frozen=True)
class Close:
    """Close with a reason."""

    reason: CloseReason


@dataclass(frozen=True)
class Reopen:
    """Reopen a closed ticket."""


Action = Claim | Assign | Refer | RecordOutcome | Close | Reopen


class Refusal(StrEnum):
    """Why an action was refused."""

    CLOSED = "closed"  # the ticket is closed: reopen it first
    NOT_CLOSED = "not_closed"  # reopen: it is open
    HELD = "held"  # someone else holds it: only they or a coordinator may act
    ALREADY_YOURS = "already_yours"
    ALREADY_THEIRS = "already_theirs"  # assign: it is already theirs
    NO_REFERRAL = "no_referral"  # an outcome for a referral that was never made
    NOT_STAFF = "not_staff"  # assign to someone outside the register


@dataclass(frozen=True)
class Change:
    """An action's effect: the ticket after it, what the audit records, and whether it was the
    first acknowledgment (which stops the SLA clock)."""

    ticket: Ticket
    audit: str
    acknowledged: bool


@dataclass(frozen=True)
class Refused:
    """The action was refused; `holder` names who holds the ticket, when that is why."""

    reason: Refusal
    holder: int | None = None


def may_handle(ticket: Ticket, actor: StaffMember) -> bool:
    """The actor holds the ticket, nobody does, or the actor is a coordinator."""
    return actor.coordinator or ticket.assignee in (None, actor.user_id)


def _acknowledge(
    ticket: Ticket, actor: StaffMember, now: datetime, status: TicketStatus | None = None
) -> tuple[Ticket, bool]:
    first = ticket.status is TicketStatus.NEW
    ticket = replace(
        ticket,
        assignee=ticket.assignee or actor.user_id,
        status=status or (TicketStatus.ACKNOWLEDGED if first else ticket.status),
    )
    if first:
        ticket = replace(ticket, acknowledged_at=now, acknowledged_by=actor.user_id)
    return ticket, first


def decide(ticket: Ticket, action: Action, actor: StaffMember, now: datetime) -> Change | Refused:
    """What `action` by `actor` at `now` does to `ticket`, or why it is refused."""
    if isinstance(action, Reopen):
        if ticket.open:
            return Refused(Refusal.NOT_CLOSED)
        if not may_handle(ticket, actor):
            return Refused(Refusal.HELD, ticket.assignee)
        return Change(
            replace(
                ticket,
                status=TicketStatus.ACKNOWLEDGED,
                closed_at=None,
                closed_by=None,
                closed_reason=None,
            ),
            "reopen",
            False,
        )
    if not ticket.open:
        return Refused(Refusal.CLOSED)
    if isinstance(action, Claim):
        return _claim(ticket, actor, now)
    if not may_handle(ticket, actor):
        return Refused(Refusal.HELD, ticket.assignee)
    if isinstance(action, Assign):
        if ticket.assignee == action.to.user_id:
            return Refused(Refusal.ALREADY_THEIRS, ticket.assignee)
        held, first = _acknowledge(ticket, actor, now)
        return Change(replace(held, assignee=action.to.user_id), "assign", first)
    if isinstance(action, Refer):
        held, first = _acknowledge(ticket, actor, now, TicketStatus.REFERRED)
        return Change(held, "refer", first)
    if isinstance(action, RecordOutcome):
        return Change(ticket, "referral_outcome", False)
    held, first = _acknowledge(ticket, actor, now)
    return Change(
        replace(
            held,
            status=TicketStatus.CLOSED,
            closed_reason=action.reason.value,
            closed_at=now,
            closed_by=actor.user_id,
        ),
        "close",
        first,
    )


def _claim(ticket: Ticket, actor: StaffMember, now: datetime) -> Change | Refused:
    if ticket.assignee == actor.user_id:
        return Refused(Refusal.ALREADY_YOURS)
    if not may_handle(ticket, actor):
        return Refused(Refusal.HELD, ticket.assignee)
    taken_over = ticket.assignee is not None
    held, first = _acknowledge(replace(ticket, assignee=actor.user_id), actor, now)
    return Change(held, "take_over" if taken_over else "claim", first)


class ListScope(StrEnum):
    """Which tickets /tiket lists."""

    OPEN = "open"  # everything not closed (the default)
    NEW = "new"  # nobody took them yet
    URGENT = "urgent"  # open, and someone in danger or a child involved
    MINE = "mine"  # open and held by the one asking
    ALL = "all"  # closed ones too, newest first


@dataclass(frozen=True)
class HistoryEntry:
    """One audit row about a ticket: when, who (a staff id, or system/reporter), what."""

    at: datetime
    actor: str
    actor_name: str | None
    action: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Note:
    """An internal note: staff only, never sent to a reporter."""

    at: datetime
    author: int
    text: str


NOTE_LIMIT = 1000
