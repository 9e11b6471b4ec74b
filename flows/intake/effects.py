"""What the intake flow asks of the adapter, and the events the adapter answers with."""

from __future__ import annotations

from dataclasses import dataclass

from flows.core import Effect, Event
from flows.domain.report import Report


@dataclass(frozen=True)
class SubmitReport(Effect):
    """File `report` as a new ticket with a receipt (and, when `followup`, this chat as its
    follow-up contact), then step the flow with `ReportFiled(reference, receipt)`."""

    report: Report
    followup: bool = False


@dataclass(frozen=True)
class ReportFiled(Event):
    """The adapter stored the report (or its last additions) under this ticket reference;
    `receipt` is its secret receipt, to show once (None: it was given before)."""

    reference: str
    receipt: str | None = None


@dataclass(frozen=True)
class FileUrgent(Effect):
    """The fast lane: file `report` as an urgent ticket now, then step `UrgentFiled`."""

    report: Report


@dataclass(frozen=True)
class UrgentFiled(Event):
    """The fast lane's ticket exists under `reference`; later answers go to it."""

    reference: str


@dataclass(frozen=True)
class AddToReport(Effect):
    """Put the reporter's latest `report` on the ticket `reference` filed by the fast lane.

    The ticket and its staff card show what was added. `final` is the reporter's Send: the
    adapter then steps `ReportFiled(reference)`. `announce=False` updates the ticket without
    editing the card (the rest of a photo album: one card edit per album, not per photo).
    With `final`, the ticket gets its receipt and, when `followup`, its follow-up contact.
    """

    reference: str
    report: Report
    final: bool = False
    announce: bool = True
    followup: bool = False


@dataclass(frozen=True)
class ForgetMe(Effect):
    """Delete everything held for this chat: the stored conversation (draft) and any follow-up link.

    Tickets already filed stay (they hold no identity). The returned state holds nothing but the
    locale; the adapter deletes the conversation row rather than store it.
    """


INTAKE_EFFECTS: frozenset[type[Effect]] = frozenset(
    {SubmitReport, FileUrgent, AddToReport, ForgetMe}
)
