"""Handlers of the triage flow's ticket effects: show, list, act, assign, note, post a card.

Each loads what it needs, applies the pure rules (flows/domain/triage.py), persists, audits
(viewing included) and answers the flow with an `Answered` event; card edits and messages to
colleagues go through the `TicketAnnouncer`.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effects.followup import Followup
from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.effects.tickets import TicketAnnouncer, card_track, sla_keys
from bot.infra.settings import Settings
from bot.telegram.cards import story_that_fits
from bot.telegram.group import StaffGroup
from bot.telegram.outgoing import Outgoing
from flows.domain.card import Staffing
from flows.domain.catalog import Catalog
from flows.domain.duty.staff import StaffMember
from flows.domain.triage import (
    Action,
    Assign,
    Change,
    HistoryEntry,
    RecordOutcome,
    Refer,
    Refusal,
    Refused,
    decide,
)
from flows.triage.effects import (
    Act,
    AddNote,
    AssignTo,
    ListTickets,
    PostCard,
    ShowChoices,
    ShowTicket,
    Who,
)
from flows.triage.events import (
    Answered,
    CardPosted,
    Changed,
    Choices,
    Denied,
    Listed,
    NoteAdded,
    NotFound,
    Result,
    TicketView,
    UnknownColleague,
)
from flows.triage.render import notices, views
from storage.repos.pipeline import timers, tracked
from storage.repos.triage import audit, referrals, staff, tickets

log = logging.getLogger(__name__)

LIST_LIMIT = 15  # tickets per /tiket answer (a phone screen or two)
HISTORY_SHOWN = 12
NOTES_SHOWN = 3


def answered(ctx: EffectContext, who: Who, result: Result, *refs: str) -> EffectResult:
    """An effect's answer to the flow."""
    return EffectResult(
        events=[Answered(at=ctx.now, who=who, result=result)], references=list(refs)
    )


class TicketEffects:
    """Staff actions on tickets, inside the update's transaction."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        outgoing: Outgoing,
        announcer: TicketAnnouncer,
        group: StaffGroup,
        followup: Followup | None = None,
    ) -> None:
        self._followup = followup
        self._catalog = catalog
        self._out = outgoing
        self._announcer = announcer
        self._group = group
        self._locale = settings.DEFAULT_LOCALE
        self._zone = settings.zone

    def register(self, registry: EffectRegistry) -> None:
        """Register one handler per ticket effect."""
        registry.register(ShowTicket, self.show)
        registry.register(ListTickets, self.list)
        registry.register(Act, self.act)
        registry.register(AssignTo, self.assign_to)
        registry.register(ShowChoices, self.choices)
        registry.register(AddNote, self.note)
        registry.register(PostCard, self.post_card)

    async def show(self, ctx: EffectContext, effect: ShowTicket) -> EffectResult:
        """The whole ticket; the view is audited."""
        s, ref = ctx.session, effect.reference
        ticket = await tickets.get(s, ref)
        if ticket is None:
            return answered(ctx, effect.who, NotFound(ref))
        notes, note_count = await referrals.notes(s, ref, NOTES_SHOWN)
        history = await audit.history(s, ref, HISTORY_SHOWN, leave_out="view")
        view_count = await audit.count(s, ref, "view")
        staffing = await self._announcer.staffing(s, ticket)
        everyone = await staff.names(
            s, {*staffing.names, *(n.author for n in notes), *_ids_in(history)}
        )
        card = (await tracked.lookup(s, [card_track(ref)])).get(card_track(ref))
        link = self._group.link
        view = TicketView(
            ticket,
            replace(staffing, names=everyone),
            tuple(notes),
            note_count,
            tuple(history),
            view_count,
            card_link=f"{link}/{card}" if link and card and effect.who.private else None,
        )
        view = replace(
            view,
            story_limit=story_that_fits(
                lambda n: views.ticket_view(
                    replace(view, story_limit=n), self._catalog, self._zone
                ),
                self._out,
                self._locale,
            ),
        )
        await audit.record(
            s,
            ctx.now,
            effect.who.actor,
            "view",
            ticket_ref=ref,
            data={"private": effect.who.private},
        )
        return answered(ctx, effect.who, view, ref)

    async def list(self, ctx: EffectContext, effect: ListTickets) -> EffectResult:
        """/tiket; the listing is audited."""
        found, total = await tickets.listing(
            ctx.session, effect.scope, effect.who.actor.user_id, LIST_LIMIT
        )
        names = await staff.names(ctx.session, [t.assignee for t in found if t.assignee])
        await audit.record(
            ctx.session,
            ctx.now,
            effect.who.actor,
            "list",
            data={"scope": effect.scope.value, "shown": len(found)},
        )
        return answered(ctx, effect.who, Listed(effect.scope, tuple(found), total, Staffing(names)))

    async def act(self, ctx: EffectContext, effect: Act) -> EffectResult:
        """Claim, refer, record an outcome, close or reopen, by the rules."""
        return await self._apply(ctx, effect.who, effect.reference, effect.action)

    async def assign_to(self, ctx: EffectContext, effect: AssignTo) -> EffectResult:
        """Give a ticket to the colleague named (by user id or a unique name)."""
        colleague = await _colleague(ctx.session, effect.target)
        if colleague is None:
            return answered(ctx, effect.who, UnknownColleague(effect.reference, effect.target))
        return await self._apply(ctx, effect.who, effect.reference, Assign(colleague))

    async def _apply(self, ctx: EffectContext, who: Who, ref: str, action: Action) -> EffectResult:
        s = ctx.session
        ticket = await tickets.get(s, ref, for_update=True)
        if ticket is None:
            return answered(ctx, who, NotFound(ref))
        decision = decide(ticket, action, who.actor, ctx.now)
        if isinstance(decision, Refused):
            names = await staff.names(s, [decision.holder] if decision.holder else [])
            return answered(
                ctx,
                who,
                Denied(
                    ref,
                    decision.reason,
                    names.get(
                        decision.holder or 0, f"#{decision.holder}" if decision.holder else None
                    ),
                ),
                ref,
            )
        if (
            isinstance(action, RecordOutcome)
            and await referrals.set_outcome(s, ref, action.agency, action.outcome, ctx.now) is None
        ):
            return answered(ctx, who, Denied(ref, Refusal.NO_REFERRAL, agency=action.agency), ref)
        return await self._changed(ctx, who, decision, action)

    async def _changed(
        self, ctx: EffectContext, who: Who, change: Change, action: Action
    ) -> EffectResult:
        s, ticket = ctx.session, change.ticket
        ref = ticket.reference
        await tickets.save_triage(s, ticket)
        data: dict[str, object] = {}
        if isinstance(action, Refer):
            await referrals.refer(s, ref, action.agency, ctx.now, who.actor.user_id)
            data = {"agency": action.agency.value}
        elif isinstance(action, RecordOutcome):
            data = {"agency": action.agency.value, "outcome": action.outcome.value}
        elif isinstance(action, Assign):
            data = {"to": action.to.user_id}
        elif change.audit == "close":
            data = {"reason": ticket.closed_reason}
        if change.acknowledged:
            await timers.cancel(s, sla_keys(ref))
            data["waited_s"] = int((ctx.now - ticket.created_at).total_seconds())
        await audit.record(s, ctx.now, who.actor, change.audit, ticket_ref=ref, data=data)
        log.info("ticket %s: %s", ref, change.audit)
        result = await self._announcer.changed(ctx, ticket)
        if change.audit == "close" and self._followup is not None:
            result.messages += await self._followup.closed(s, ctx.now, ref)
        if isinstance(action, Assign) and action.to.user_id != who.actor.user_id:
            text = notices.assigned_to_you(ticket, self._catalog, self._zone, who.actor.name)
            result.messages += self._announcer.to_staff([action.to.user_id], ticket, text)
        staffing = await self._announcer.staffing(s, ticket)
        result.events.append(
            Answered(at=ctx.now, who=who, result=Changed(action, ticket, staffing))
        )
        return result

    async def choices(self, ctx: EffectContext, effect: ShowChoices) -> EffectResult:
        """Colleagues to assign to, or referrals awaiting an answer."""
        ticket = await tickets.get(ctx.session, effect.reference)
        if ticket is None:
            return answered(ctx, effect.who, NotFound(effect.reference))
        if effect.kind == "assign":
            colleagues = tuple(
                m for m in await staff.active(ctx.session) if m.user_id != ticket.assignee
            )
            return answered(ctx, effect.who, Choices(ticket, "assign", colleagues=colleagues))
        found = await referrals.of(ctx.session, effect.reference)
        return answered(ctx, effect.who, Choices(ticket, "outcome", referrals=found))

    async def note(self, ctx: EffectContext, effect: AddNote) -> EffectResult:
        """An internal note: stored for staff, never sent to the reporter; audited (not its
        text, which retention may delete with the report)."""
        if await tickets.get(ctx.session, effect.reference) is None:
            return answered(ctx, effect.who, NotFound(effect.reference))
        note_id = await referrals.add_note(
            ctx.session, effect.reference, ctx.now, effect.who.actor.user_id, effect.text
        )
        await audit.record(
            ctx.session,
            ctx.now,
            effect.who.actor,
            "note",
            ticket_ref=effect.reference,
            data={"note": note_id},
        )
        return answered(ctx, effect.who, NoteAdded(effect.reference), effect.reference)

    async def post_card(self, ctx: EffectContext, effect: PostCard) -> EffectResult:
        """Post a card the flood digest held back (once)."""
        ticket = await tickets.get(ctx.session, effect.reference, for_update=True)
        if ticket is None:
            return answered(ctx, effect.who, NotFound(effect.reference))
        if not ticket.routing.digest:
            return answered(ctx, effect.who, CardPosted(effect.reference, already=True))
        ticket = replace(ticket, routing=replace(ticket.routing, digest=False))
        await tickets.save_triage(ctx.session, ticket)
        await audit.record(
            ctx.session, ctx.now, effect.who.actor, "card_posted", ticket_ref=effect.reference
        )
        result = answered(ctx, effect.who, CardPosted(effect.reference), effect.reference)
        result.messages += await self._announcer.post_card(ctx.session, ticket, ctx.now)
        return result


def _ids_in(history: list[HistoryEntry]) -> set[int]:
    """Staff user ids an audit trail mentions (as actors, recipients or the unreachable)."""
    ids: set[int] = set()
    for entry in history:
        if entry.actor.isdigit():
            ids.add(int(entry.actor))
        for key in ("to", "user_id"):
            value = entry.data.get(key)
            values = value if isinstance(value, list) else [value]
            ids.update(int(v) for v in values if isinstance(v, int))
    return ids


async def _colleague(session: AsyncSession, target: str) -> StaffMember | None:
    """The registered colleague named by user id, or by a name only one of them has."""
    if target.isdigit():
        return await staff.get(session, int(target))
    wanted = target.strip().casefold()
    members = await staff.active(session)
    exact = [m for m in members if m.name.casefold() == wanted]
    starting = [m for m in members if m.name.casefold().startswith(wanted)]
    found = exact or starting
    return found[0] if len(found) == 1 else None
