"""What the reporter's and the staff's sides of the follow-up ask of the adapter, and the
events the adapter answers with."""

from __future__ import annotations

from dataclasses import dataclass

from flows.core import Effect, Event
from flows.domain.report import Attachment
from flows.domain.ticket import TicketStatus


@dataclass(frozen=True)
class CheckReceipt(Effect):
    """Find the ticket of a (normalized) receipt, within the wrong-guess limits; the adapter
    steps `StatusChecked`."""

    receipt: str


@dataclass(frozen=True)
class StatusChecked(Event):
    """The answer to `CheckReceipt`: the ticket's status and the task force's messages, or
    nothing found (`throttled`: too many wrong guesses, nothing was checked)."""

    reference: str | None = None
    status: TicketStatus | None = None
    messages: tuple[str, ...] = ()
    throttled: bool = False


@dataclass(frozen=True)
class AddFromReporter(Effect):
    """Attach what the reporter sent to ticket `reference` and post it to its thread.

    `by_contact`: the reporter answers a relayed message; the adapter checks that this chat is
    the ticket's follow-up contact (the button's data could be forged). Otherwise the
    reference came from a receipt checked in this conversation. Steps `ReporterAdded`.
    """

    reference: str
    text: str | None = None
    attachment: Attachment | None = None
    by_contact: bool = False


@dataclass(frozen=True)
class ReporterAdded(Event):
    """The answer to `AddFromReporter`: added, or refused (no such contact, ticket gone)."""

    added: bool


FOLLOWUP_EFFECTS: frozenset[type[Effect]] = frozenset({CheckReceipt, AddFromReporter})
