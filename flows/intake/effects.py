"""What the intake flow asks of the adapter, and the events the adapter answers with."""

from __future__ import annotations

from dataclasses import dataclass

from flows.core import Effect, Event
from flows.domain.report import Report


@dataclass(frozen=True)
class SubmitReport(Effect):
    """File `report` as a new ticket, then step the flow with `ReportFiled(reference)`."""

    report: Report


@dataclass(frozen=True)
class ReportFiled(Event):
    """The adapter stored the report produced by `SubmitReport` under this ticket reference."""

    reference: str


@dataclass(frozen=True)
class ForgetMe(Effect):
    """Delete everything held for this chat: the stored conversation (draft) and any follow-up link.

    Tickets already filed stay (they hold no identity). The returned state holds nothing but the
    locale; the adapter deletes the conversation row rather than store it.
    """


INTAKE_EFFECTS: frozenset[type[Effect]] = frozenset({SubmitReport, ForgetMe})
