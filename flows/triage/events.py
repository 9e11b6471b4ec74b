"""Events of the triage flow: a staff member's update, and what an effect handler found.

The adapter wraps every update from the staff side in a `StaffEvent` carrying who acted (from
the register); effect handlers answer with `Answered(result)`, which the flow turns into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flows.core import Event
from flows.domain.card import Staffing
from flows.domain.duty.roster import Duty
from flows.domain.duty.staff import StaffMember
from flows.domain.referral import Agency, Referral
from flows.domain.stats import Stats
from flows.domain.ticket import Ticket
from flows.domain.triage import Action, HistoryEntry, ListScope, Note, Refusal
from flows.triage.effects import Who


@dataclass(frozen=True)
class StaffEvent(Event):
    """`inner` happened; `actor` sent it (None: not on the register), privately or in the group;
    `reply_to_bot` when it answers one of the bot's messages."""

    actor: StaffMember | None
    inner: Event
    private: bool = False
    reply_to_bot: bool = False


# --- what handlers found ------------------------------------------------------------------------


@dataclass(frozen=True)
class NotFound:
    """No ticket has this reference."""

    reference: str


@dataclass(frozen=True)
class Denied:
    """The rules refused the action; `holder` names who holds the ticket when that is why."""

    reference: str
    refusal: Refusal
    holder: str | None = None
    agency: Agency | None = None


@dataclass(frozen=True)
class Changed:
    """The action was done: the ticket as it is now."""

    action: Action
    ticket: Ticket
    staff: Staffing


@dataclass(frozen=True)
class TicketView:
    """A whole ticket: card, latest notes (of `note_count`), recent history, views so far."""

    ticket: Ticket
    staff: Staffing
    notes: tuple[Note, ...] = ()
    note_count: int = 0
    history: tuple[HistoryEntry, ...] = ()
    views: int = 0
    story_limit: int = 3000
    card_link: str | None = None  # where its card is in the group


@dataclass(frozen=True)
class Listed:
    """Tickets for /tiket: the first ones of `scope`, and how many there are."""

    scope: ListScope
    tickets: tuple[Ticket, ...]
    total: int
    staff: Staffing


@dataclass(frozen=True)
class Choices:
    """Buttons that need data: colleagues (assign) or referrals awaiting an outcome."""

    ticket: Ticket
    kind: str
    colleagues: tuple[StaffMember, ...] = ()
    referrals: tuple[Referral, ...] = ()


@dataclass(frozen=True)
class NoteAdded:
    """A note was added to a ticket."""

    reference: str


@dataclass(frozen=True)
class HoldSet:
    """A ticket's legal hold was put on (`hold`) or lifted; `already`: it was so before."""

    reference: str
    hold: bool
    already: bool = False


@dataclass(frozen=True)
class CardPosted:
    """A held-back card was posted (or already was there)."""

    reference: str
    already: bool = False


@dataclass(frozen=True)
class DutyShown:
    """Who is on duty now, and when and to whom it passes next."""

    current: Duty
    next: tuple[datetime, Duty] | None
    names: Mapping[int, str] = field(default_factory=dict)
    coordinators: tuple[int, ...] = ()


@dataclass(frozen=True)
class DutyTaken:
    """The actor is on duty until `until`, covering `covering` (their user id) if anyone."""

    until: datetime
    covering: str | None = None


@dataclass(frozen=True)
class StatsShown:
    """Statistics of this week and this month."""

    week: Stats
    month: Stats
    names: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StaffListed:
    """The register."""

    members: tuple[StaffMember, ...]


@dataclass(frozen=True)
class StaffChanged:
    """Someone was registered ("added", "updated", "restored") or removed ("removed")."""

    member: StaffMember
    outcome: str


@dataclass(frozen=True)
class StaffRefused:
    """A register change was refused: `reason` is "unknown" or "last_coordinator"."""

    user_id: int
    reason: str


@dataclass(frozen=True)
class UnknownColleague:
    """An assignment named nobody (or several people) on the register."""

    reference: str
    target: str


@dataclass(frozen=True)
class Relayed:
    """A message for a reporter: sent, or not (`no_contact`: they chose none; `closed`)."""

    reference: str
    outcome: str  # "sent" | "no_contact" | "closed"


Result = (
    NotFound
    | Relayed
    | Denied
    | Changed
    | TicketView
    | Listed
    | Choices
    | NoteAdded
    | HoldSet
    | CardPosted
    | DutyShown
    | DutyTaken
    | StatsShown
    | StaffListed
    | StaffChanged
    | StaffRefused
    | UnknownColleague
)


@dataclass(frozen=True)
class Answered(Event):
    """An effect handler's answer to `who`."""

    who: Who
    result: Result
