"""Handlers of the intake flow's effects: file a report as a ticket (at once, in the fast lane,
or at the end), add later answers to that same ticket, forget a reporter."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from bot.effects.abuse import AbuseLimiter
from bot.effects.followup import Followup
from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.effects.tickets import TicketAnnouncer
from bot.effects.wipe import ChatWipe
from bot.infra.settings import Settings
from flows.domain.report import Report, add_later
from flows.domain.ticket import REFERENCE_ALPHABET
from flows.intake import AddToReport, FileUrgent, ForgetMe, ReportFiled, SubmitReport, UrgentFiled
from storage.repos.pipeline import conversations
from storage.repos.triage import tickets

log = logging.getLogger(__name__)


def new_reference() -> str:
    """A fresh ticket reference, `TPPO-` and 6 random Crockford base32 characters."""
    return "TPPO-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class IntakeEffects:
    """Files reports, adds to them and forgets reporters, inside the update's transaction."""

    def __init__(
        self,
        settings: Settings,
        announcer: TicketAnnouncer,
        followup: Followup | None = None,
        wipe: ChatWipe | None = None,
        limiter: AbuseLimiter | None = None,
    ) -> None:
        self._settings = settings
        self._announcer = announcer
        self._followup = followup
        self._wipe = wipe
        self._limiter = limiter  # at most so many new reports an hour per reporter

    def register(self, registry: EffectRegistry) -> None:
        """Register one handler per intake effect."""
        registry.register(SubmitReport, self.submit)
        registry.register(FileUrgent, self.file_urgent)
        registry.register(AddToReport, self.add)
        registry.register(ForgetMe, self.forget)

    async def _file(self, ctx: EffectContext, report: Report) -> EffectResult:
        ticket = await tickets.create(
            ctx.session,
            report,
            new_reference=new_reference,
            now=ctx.now,
            ack_due_at=ctx.now + self.sla(report),
        )
        return await self._announcer.filed(ctx, ticket)

    async def _refused(self, ctx: EffectContext) -> EffectResult | None:
        """The notice when the reporter's new reports this hour are used up. The draft is not
        saved as sent (`drop_state` keeps the state from before Send), so nothing is lost."""
        if self._limiter is None:
            return None
        notice = await self._limiter.may_file(
            ctx.session, ctx.key, ctx.inbound, ctx.now, ctx.locale
        )
        return None if notice is None else EffectResult(messages=notice, drop_state=True)

    async def submit(self, ctx: EffectContext, effect: SubmitReport) -> EffectResult:
        """Store the ticket and queue its card; the flow then learns the reference."""
        refused = await self._refused(ctx)
        if refused is not None:
            return refused
        filed = await self._file(ctx, effect.report)
        reference = filed.references[0]
        receipt = await self._receipt(ctx, reference, effect.followup)
        filed.events.append(ReportFiled(at=ctx.now, reference=reference, receipt=receipt))
        return filed

    async def _receipt(self, ctx: EffectContext, reference: str, followup: bool) -> str | None:
        """The ticket's receipt (once) and, if the reporter chose it, its follow-up contact."""
        if self._followup is None:
            return None
        chat = ctx.inbound.chat_id if followup else None
        return await self._followup.issue(ctx.session, ctx.now, reference, chat, ctx.locale)

    async def file_urgent(self, ctx: EffectContext, effect: FileUrgent) -> EffectResult:
        """The fast lane: an urgent ticket with what is known, its card at once."""
        refused = await self._refused(ctx)
        if refused is not None:
            return refused
        filed = await self._file(ctx, effect.report)
        filed.events.append(UrgentFiled(at=ctx.now, reference=filed.references[0]))
        return filed

    async def add(self, ctx: EffectContext, effect: AddToReport) -> EffectResult:
        """Later answers go on the fast lane's ticket, and its card is edited to show them."""
        ticket = await tickets.get(ctx.session, effect.reference)
        if ticket is None:  # gone (never in practice within the link's window): file it anew
            log.warning("ticket %s to add to is gone: filing the report anew", effect.reference)
            filed = await self._file(ctx, effect.report)
            if effect.final:
                ref = filed.references[0]
                receipt = await self._receipt(ctx, ref, effect.followup)
                filed.events.append(ReportFiled(at=ctx.now, reference=ref, receipt=receipt))
            return filed
        merged = add_later(ticket.report, effect.report, ctx.now)
        result = EffectResult(references=[ticket.reference])
        if merged != ticket.report:
            updated = await tickets.update_report(ctx.session, ticket.reference, merged, ctx.now)
            if updated is not None and effect.announce:
                result = await self._announcer.changed(ctx, updated)
        if effect.final:
            receipt = await self._receipt(ctx, ticket.reference, effect.followup)
            result.events.append(
                ReportFiled(at=ctx.now, reference=ticket.reference, receipt=receipt)
            )
        return result

    async def forget(self, ctx: EffectContext, effect: ForgetMe) -> EffectResult:
        """Delete every conversation held under the reporter's key, the follow-up contacts this
        chat holds, and the chat's messages that may still be deleted."""
        await conversations.forget(ctx.session, ctx.key)
        if self._followup is not None:
            await self._followup.forget(ctx.session, ctx.now, ctx.inbound.chat_id)
        result = EffectResult(drop_state=True)
        if self._wipe is not None:
            result.messages += await self._wipe.messages(ctx)
        return result

    def sla(self, report: Report) -> timedelta:
        """How long this report's ticket may wait for acknowledgement."""
        return ack_within(report, self._settings)


def ack_within(report: Report, settings: Settings) -> timedelta:
    """The SLA of a report: urgent first, then little information (which takes the normal
    time even when a child is mentioned), then a child, then normal."""
    if report.urgent:
        return settings.SLA_URGENT
    if report.low_information:
        return settings.SLA_NORMAL
    return settings.SLA_CHILD if report.child else settings.SLA_NORMAL
