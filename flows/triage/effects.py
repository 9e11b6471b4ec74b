"""What the triage flow asks of the adapter. Each effect names who asked (`Who`): handlers
load what they need, apply the pure rules, persist, audit, and answer with an `Answered` event."""

from __future__ import annotations

from dataclasses import dataclass

from flows.core import Effect
from flows.domain.duty.staff import StaffMember
from flows.domain.triage import Action, ListScope


@dataclass(frozen=True)
class Who:
    """The registered staff member who asked, and how: a pressed button or a typed command, in
    the staff group or in a private chat with the bot."""

    actor: StaffMember
    button: bool = False
    private: bool = False
    menu: bool = False  # the button was in a menu the bot posted: the answer replaces the menu


@dataclass(frozen=True)
class ShowTicket(Effect):
    """Show a ticket whole: card, notes, history (and audit the view)."""

    who: Who
    reference: str


@dataclass(frozen=True)
class ListTickets(Effect):
    """List tickets for /tiket."""

    who: Who
    scope: ListScope


@dataclass(frozen=True)
class Act(Effect):
    """Claim, refer, record a referral outcome, close or reopen a ticket."""

    who: Who
    reference: str
    action: Action


@dataclass(frozen=True)
class AssignTo(Effect):
    """Give a ticket to a colleague named by user id or (unique) name."""

    who: Who
    reference: str
    target: str


@dataclass(frozen=True)
class ShowChoices(Effect):
    """Offer buttons that need data: colleagues to assign to, referrals awaiting an outcome."""

    who: Who
    reference: str
    kind: str  # "assign" | "outcome"


@dataclass(frozen=True)
class AddNote(Effect):
    """Add an internal note (never sent to a reporter)."""

    who: Who
    reference: str
    text: str


@dataclass(frozen=True)
class RelayToReporter(Effect):
    """Send `text` to the ticket's reporter from "Tim Gugus Tugas" (if they chose follow-up)."""

    who: Who
    reference: str
    text: str


@dataclass(frozen=True)
class PostCard(Effect):
    """Post a ticket's card in the group (one a flood digest held back)."""

    who: Who
    reference: str


@dataclass(frozen=True)
class ShowDuty(Effect):
    """Who is on duty now and next."""

    who: Who


@dataclass(frozen=True)
class TakeDuty(Effect):
    """Take duty from now for `minutes` (None: until the current shift ends, or 8 hours)."""

    who: Who
    minutes: int | None


@dataclass(frozen=True)
class ShowStats(Effect):
    """Statistics of this week and this month."""

    who: Who


@dataclass(frozen=True)
class ListStaff(Effect):
    """The staff register."""

    who: Who


@dataclass(frozen=True)
class AddStaff(Effect):
    """Register someone (coordinators only; the flow checks)."""

    who: Who
    member: StaffMember


@dataclass(frozen=True)
class RemoveStaff(Effect):
    """Take someone off the register (coordinators only; the flow checks)."""

    who: Who
    user_id: int


@dataclass(frozen=True)
class SetHold(Effect):
    """Put a legal hold on a ticket (`hold`) or lift it (coordinators only; the flow checks)."""

    who: Who
    reference: str
    hold: bool


TRIAGE_EFFECTS: frozenset[type[Effect]] = frozenset(
    {
        ShowTicket,
        ListTickets,
        Act,
        AssignTo,
        ShowChoices,
        AddNote,
        RelayToReporter,
        PostCard,
        ShowDuty,
        TakeDuty,
        ShowStats,
        ListStaff,
        AddStaff,
        RemoveStaff,
        SetHold,
    }
)
