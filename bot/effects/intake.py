"""Handlers of the intake flow's effects: file a report as a ticket, forget a reporter."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.infra.settings import Settings
from bot.telegram.cards import card_html
from bot.telegram.outgoing import Outgoing
from flows.domain.catalog import Catalog
from flows.domain.report import Report
from flows.domain.ticket import REFERENCE_ALPHABET
from flows.intake import ForgetMe, ReportFiled, SubmitReport
from storage.repos import conversations, tickets

log = logging.getLogger(__name__)


def new_reference() -> str:
    """A fresh ticket reference, `TPPO-` and 6 random Crockford base32 characters."""
    return "TPPO-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def card_track(reference: str) -> str:
    """The name under which the id of a ticket's card in the staff group is kept."""
    return f"card:{reference}"


class IntakeEffects:
    """Files reports and forgets reporters, inside the update's transaction."""

    def __init__(self, settings: Settings, catalog: Catalog, outgoing: Outgoing) -> None:
        self._settings = settings
        self._catalog = catalog
        self._out = outgoing

    def register(self, registry: EffectRegistry) -> None:
        """Register one handler per intake effect."""
        registry.register(SubmitReport, self.submit)
        registry.register(ForgetMe, self.forget)

    async def submit(self, ctx: EffectContext, effect: SubmitReport) -> EffectResult:
        """Store the ticket and queue its card; the flow then learns the reference."""
        report = effect.report
        ticket = await tickets.create(ctx.session, report, new_reference=new_reference,
                                      now=ctx.now, ack_due_at=ctx.now + self._sla(report))
        staff = self._settings.STAFF_CHAT_ID
        if staff is None:
            raise ValueError("STAFF_CHAT_ID is not set")
        locale = self._settings.DEFAULT_LOCALE
        card = self._out.call(staff, "sendMessage", {
            "text": card_html(ticket, self._catalog, self._settings.zone, self._out, locale),
            "parse_mode": "HTML", "protect_content": True,  # no forwarding a victim's story
            "link_preview_options": {"is_disabled": True}},
            ticket_ref=ticket.reference, track=card_track(ticket.reference))
        return EffectResult(messages=[card], references=[ticket.reference],
                            events=[ReportFiled(at=ctx.now, reference=ticket.reference)])

    async def forget(self, ctx: EffectContext, effect: ForgetMe) -> EffectResult:
        """Delete every conversation held under the reporter's key."""
        await conversations.forget(ctx.session, ctx.key)
        return EffectResult(drop_state=True)

    def _sla(self, report: Report) -> timedelta:
        if report.urgent:
            return self._settings.SLA_URGENT
        return self._settings.SLA_CHILD if report.child else self._settings.SLA_NORMAL
