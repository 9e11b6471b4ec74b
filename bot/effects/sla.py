"""Timers about tickets: SLA escalation, a private message that could not be delivered, and
the flood digest. Each runs in one transaction with everything it causes.

Escalation ladder (flows/domain/sla.py): at half the SLA the person it waits on is reminded;
at the full SLA the backup gets it; at 1.5x the coordinators; at 2x the whole group. Each step
schedules the next; after downtime only the latest step that came due is taken, once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effects.registry import EffectResult
from bot.effects.tickets import (
    DIGEST_TIMER,
    DM_FAILED,
    DM_LINK_TIMER,
    DM_LINK_TRIES,
    SLA_TIMER,
    TicketAnnouncer,
    card_track,
    digest_timer,
    dm_track,
    parse_dm_track,
    sla_timer,
)
from bot.runtime.timers import Fired, TimerLoop
from bot.telegram.outgoing import Outgoing
from flows.domain.catalog import Catalog
from flows.domain.duty.sla import Step, following, latest_due, rank
from flows.domain.ticket import Ticket, TicketStatus
from flows.triage.callbacks import Code
from flows.triage.render import notices
from flows.triage.render import text as txt
from flows.triage.render.keyboards import show_buttons
from storage.repos.pipeline import tracked
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.pipeline.timers import DueTimer
from storage.repos.triage import audit, digest, staff, tickets

log = logging.getLogger(__name__)

DIGEST_LINES = 40  # tickets per digest message (well within 4096 characters)
DIGEST_MESSAGES = 3  # digest messages per minute at most: the group keeps room for staff


def _fired(result: EffectResult) -> Fired:
    return Fired(messages=result.messages, timers=result.timers)


class Escalation:
    """The timer handlers that keep tickets from waiting unnoticed."""

    def __init__(
        self,
        announcer: TicketAnnouncer,
        catalog: Catalog,
        outgoing: Outgoing,
        locale: str,
        zone: tzinfo,
    ) -> None:
        self._announcer = announcer
        self._catalog = catalog
        self._out = outgoing
        self._locale = locale
        self._zone = zone

    def register(self, loop: TimerLoop) -> None:
        """Handle this module's timer kinds."""
        loop.register(SLA_TIMER, self.sla)
        loop.register(DM_FAILED, self.dm_failed)
        loop.register(DIGEST_TIMER, self.digest)
        loop.register(DM_LINK_TIMER, self.dm_link)

    async def sla(self, session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
        """Take the latest SLA step that came due, unless the ticket was taken meanwhile."""
        ticket = await tickets.get(session, timer.ticket_ref or "", for_update=True)
        if ticket is None or ticket.status is not TicketStatus.NEW:
            return Fired()
        step = max(
            latest_due(ticket.created_at, ticket.ack_due_at, now) or Step.REMIND,
            Step(timer.data.get("step", Step.REMIND)),
            key=rank,
        )
        result = EffectResult()
        if rank(step) > rank(ticket.routing.step):
            result = await self._escalate(session, now, ticket, step)
            if step is not Step(timer.data.get("step", Step.REMIND)):
                log.warning(
                    "ticket %s: SLA step %s was missed (downtime?); took %s at once",
                    ticket.reference,
                    timer.data.get("step"),
                    step.value,
                )
        nxt = following(step)
        if nxt is not None:
            result.timers.append(sla_timer(ticket, nxt))
        return _fired(result)

    async def _escalate(
        self, session: AsyncSession, now: datetime, ticket: Ticket, step: Step
    ) -> EffectResult:
        coordinators = await staff.coordinators(session)
        recipients = ticket.routing.recipients(step, coordinators)
        ticket = replace(ticket, routing=replace(ticket.routing, step=step))
        await tickets.save_triage(session, ticket)
        waited = txt.duration(now - ticket.created_at)
        zone, catalog = self._zone, self._catalog
        if step is Step.REMIND:
            text = notices.reminder(ticket, catalog, zone)
        else:
            text = notices.handed_to_you(ticket, catalog, zone, notices.not_taken_in_time(waited))
        result = EffectResult(
            messages=self._announcer.to_staff(recipients, ticket, text),
            references=[ticket.reference],
        )
        if step is Step.GROUP:
            called = await self._announcer.to_group(
                session, now, ticket, notices.call_the_group(ticket, waited)
            )
            result.messages += called.messages
            result.timers += called.timers
        if step is not Step.REMIND:
            result.messages += await self._announcer.edit_card(session, now, ticket)
        await audit.record(
            session,
            now,
            audit.SYSTEM,
            "escalated",
            ticket_ref=ticket.reference,
            data={"step": step.value, "to": list(recipients)},
        )
        log.info("ticket %s escalated: %s, %d staff", ticket.reference, step.value, len(recipients))
        return result

    async def dm_failed(self, session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
        """A private message about a ticket could not be delivered: note it on the card and,
        if the ticket was waiting on that person, hand it to the next one."""
        parsed = parse_dm_track(timer.data.get("track"))
        if parsed is None:
            return Fired()
        reference, user_id = parsed
        ticket = await tickets.get(session, reference, for_update=True)
        if ticket is None or user_id in ticket.routing.unreachable:
            return Fired()
        coordinators = await staff.coordinators(session)
        was_waiting = user_id in ticket.routing.waiting_on(coordinators)
        routing = replace(ticket.routing, unreachable=(*ticket.routing.unreachable, user_id))
        ticket = replace(ticket, routing=routing)
        await tickets.save_triage(session, ticket)
        await audit.record(
            session, now, audit.SYSTEM, "dm_failed", ticket_ref=reference, data={"user_id": user_id}
        )
        log.warning("ticket %s: a private message to a staff member failed for good", reference)
        result = EffectResult(messages=await self._announcer.edit_card(session, now, ticket))
        if was_waiting and ticket.status is TicketStatus.NEW:
            names = await staff.names(session, [user_id])
            nxt = routing.waiting_on(coordinators)
            text = notices.handed_to_you(
                ticket, self._catalog, self._zone, notices.unreachable(names.get(user_id, "?"))
            )
            result.messages += self._announcer.to_staff(nxt, ticket, text)
            await audit.record(
                session, now, audit.SYSTEM, "routed", ticket_ref=reference, data={"to": list(nxt)}
            )
        return _fired(result)

    async def dm_link(self, session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
        """Once the card is in the group, link the first private messages to it."""
        reference = timer.ticket_ref or ""
        users = [int(u) for u in timer.data.get("to", [])]
        attempt = int(timer.data.get("attempt", 1))
        names = [card_track(reference), *(dm_track(reference, u) for u in users)]
        known = await tracked.lookup(session, names)
        ticket = await tickets.get(session, reference)
        card = known.get(card_track(reference))
        if ticket is None or ticket.routing.digest:
            return Fired()
        if card is None:
            if attempt >= DM_LINK_TRIES:
                return Fired()
            return Fired(timers=[self._announcer.link_timer(reference, users, now, attempt + 1)])
        sent = {u: known[dm_track(reference, u)] for u in users if dm_track(reference, u) in known}
        waiting = [u for u in users if u not in sent]  # not delivered yet (or never will be)
        later = (
            [self._announcer.link_timer(reference, waiting, now, attempt + 1)]
            if waiting and attempt < DM_LINK_TRIES
            else []
        )
        return Fired(
            messages=self._announcer.link_private_messages(ticket, card, sent), timers=later
        )

    async def digest(self, session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
        """Post what waits for the flood digest: a few messages now, the rest a minute later."""
        waiting = await digest.waiting(session, DIGEST_LINES * DIGEST_MESSAGES)
        result = EffectResult()
        for start in range(0, len(waiting), DIGEST_LINES):
            chunk = waiting[start : start + DIGEST_LINES]
            lines = []
            for item in chunk:
                ticket = await tickets.get(session, item.ticket_ref)
                if ticket is not None:
                    lines.append(notices.DigestLine(ticket, item.kind == digest.OVERDUE))
                    await audit.record(
                        session,
                        now,
                        audit.SYSTEM,
                        "digest",
                        ticket_ref=item.ticket_ref,
                        data={"kind": item.kind},
                    )
            if lines:
                result.messages.append(self._message(lines, now))
            await digest.mark_posted(session, [i.id for i in chunk], now)
        if waiting:  # stragglers, or more than fitted: look again next minute
            result.timers.append(digest_timer(now))
            log.info("flood digest: %d tickets", len(waiting))
        return _fired(result)

    def _message(self, lines: list[notices.DigestLine], now: datetime) -> NewMessage:
        text = notices.digest(lines, now, self._catalog, self._zone)
        new = [x.ticket.reference for x in lines if not x.overdue]
        overdue = [x.ticket.reference for x in lines if x.overdue]
        keyboard = (*show_buttons(new, Code.POST_CARD), *show_buttons(overdue, Code.CLAIM))
        markup = self._out.markup(keyboard, self._locale)
        return self._announcer.group_message(text, markup, lines[0].ticket.reference)
