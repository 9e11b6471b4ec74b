"""Handlers of the intake flow's effects: file a report as a ticket, forget a reporter."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.effects.tickets import TicketAnnouncer
from bot.infra.settings import Settings
from flows.domain.report import Report
from flows.domain.ticket import REFERENCE_ALPHABET
from flows.intake import ForgetMe, ReportFiled, SubmitReport
from storage.repos.pipeline import conversations
from storage.repos.triage import tickets

log = logging.getLogger(__name__)


def new_reference() -> str:
    """A fresh ticket reference, `TPPO-` and 6 random Crockford base32 characters."""
    return "TPPO-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class IntakeEffects:
    """Files reports and forgets reporters, inside the update's transaction."""

    def __init__(self, settings: Settings, announcer: TicketAnnouncer) -> None:
        self._settings = settings
        self._announcer = announcer

    def register(self, registry: EffectRegistry) -> None:
        """Register one handler per intake effect."""
        registry.register(SubmitReport, self.submit)
        registry.register(ForgetMe, self.forget)

    async def submit(self, ctx: EffectContext, effect: SubmitReport) -> EffectResult:
        """Store the ticket and queue its card; the flow then learns the reference."""
        report = effect.report
        ticket = await tickets.create(
            ctx.session,
            report,
            new_reference=new_reference,
            now=ctx.now,
            ack_due_at=ctx.now + self._sla(report),
        )
        announced = await self._announcer.filed(ctx, ticket)
        announced.events.append(ReportFiled(at=ctx.now, reference=ticket.reference))
        return announced

    async def forget(self, ctx: EffectContext, effect: ForgetMe) -> EffectResult:
        """Delete every conversation held under the reporter's key."""
        await conversations.forget(ctx.session, ctx.key)
        return EffectResult(drop_state=True)

    def _sla(self, report: Report) -> timedelta:
        if report.urgent:
            return self._settings.SLA_URGENT
        return self._settings.SLA_CHILD if report.child else self._settings.SLA_NORMAL
