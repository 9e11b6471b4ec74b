"""Handlers of the triage flow's other effects: duty, statistics and the staff register; and
who acts (`staff_event`, which wraps every staff-side update with the register's answer)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.effects.triage import answered
from bot.infra.settings import Settings
from bot.telegram.group import StaffGroup
from bot.telegram.updates import Inbound
from flows.core import Event, Place
from flows.domain.duty.roster import Override
from flows.domain.stats import compute, month_start, week_start
from flows.triage.effects import (
    AddStaff,
    ListStaff,
    RemoveStaff,
    ShowDuty,
    ShowStats,
    TakeDuty,
)
from flows.triage.events import (
    DutyShown,
    DutyTaken,
    StaffChanged,
    StaffEvent,
    StaffListed,
    StaffRefused,
    StatsShown,
)
from storage.repos.triage import audit, roster, staff, tickets

# /piket ambil without a duration: until the current shift ends, or this long.
DEFAULT_DUTY = timedelta(hours=8)


class StaffEffects:
    """Duty, statistics and the register, inside the update's transaction."""

    def __init__(self, settings: Settings, group: StaffGroup) -> None:
        self._zone = settings.zone
        self._group = group

    def register(self, registry: EffectRegistry) -> None:
        """Register one handler per effect."""
        registry.register(ShowDuty, self.show_duty)
        registry.register(TakeDuty, self.take_duty)
        registry.register(ShowStats, self.show_stats)
        registry.register(ListStaff, self.list_staff)
        registry.register(AddStaff, self.add_staff)
        registry.register(RemoveStaff, self.remove_staff)

    async def staff_event(self, session: AsyncSession, inbound: Inbound) -> Event:
        """The update's event with the register's word on who sent it (None: not staff)."""
        if inbound.place is Place.STAFF_GROUP:
            self._group.learn(inbound.is_forum)
        actor = await staff.get(session, inbound.user_id)
        return StaffEvent(
            inbound.event.at,
            actor,
            inbound.event,
            private=inbound.place is Place.PRIVATE,
            reply_to_bot=inbound.reply_to_bot,
        )

    async def show_duty(self, ctx: EffectContext, effect: ShowDuty) -> EffectResult:
        """Who is on duty now and next."""
        now, ahead = await roster.duty_ahead(ctx.session, ctx.now, self._zone)
        coordinators = await staff.coordinators(ctx.session)
        ids = [now.primary, now.backup, *coordinators]
        if ahead is not None:
            ids += [ahead[1].primary, ahead[1].backup]
        names = await staff.names(ctx.session, [i for i in ids if i is not None])
        await audit.record(ctx.session, ctx.now, effect.who.actor, "duty_view")
        return answered(ctx, effect.who, DutyShown(now, ahead, names, tuple(coordinators)))

    async def take_duty(self, ctx: EffectContext, effect: TakeDuty) -> EffectResult:
        """Take duty from now: for the time asked, else until the current shift ends."""
        now, ahead = await roster.duty_ahead(ctx.session, ctx.now, self._zone)
        if effect.minutes is not None:
            until = ctx.now + timedelta(minutes=effect.minutes)
        elif (
            now.primary is not None
            and ahead is not None
            and ahead[0] - ctx.now <= timedelta(hours=24)
        ):
            until = ahead[0]
        else:
            until = ctx.now + DEFAULT_DUTY
        actor = effect.who.actor
        await roster.take(ctx.session, Override(actor.user_id, ctx.now, until))
        covering = None
        if now.primary is not None and now.primary != actor.user_id:
            covering = (await staff.names(ctx.session, [now.primary])).get(now.primary)
        await audit.record(
            ctx.session,
            ctx.now,
            actor,
            "duty_take",
            data={"until": until.isoformat(), "covering": now.primary},
        )
        return answered(ctx, effect.who, DutyTaken(until, covering))

    async def show_stats(self, ctx: EffectContext, effect: ShowStats) -> EffectResult:
        """This week's and this month's statistics."""
        week, month = week_start(ctx.now, self._zone), month_start(ctx.now, self._zone)
        filed = await tickets.filed_since(ctx.session, min(week, month))
        end = ctx.now + timedelta(seconds=1)
        week_stats, month_stats = compute(filed, week, end), compute(filed, month, end)
        ids = {uid for s in (week_stats, month_stats) for uid, _ in s.by_responder}
        names = await staff.names(ctx.session, ids)
        await audit.record(ctx.session, ctx.now, effect.who.actor, "stats")
        return answered(ctx, effect.who, StatsShown(week_stats, month_stats, names))

    async def list_staff(self, ctx: EffectContext, effect: ListStaff) -> EffectResult:
        """The register."""
        members = tuple(await staff.active(ctx.session))
        await audit.record(ctx.session, ctx.now, effect.who.actor, "staff_list")
        return answered(ctx, effect.who, StaffListed(members))

    async def add_staff(self, ctx: EffectContext, effect: AddStaff) -> EffectResult:
        """Register someone (the flow let only a coordinator ask)."""
        outcome = await staff.add(ctx.session, effect.member, ctx.now)
        await audit.record(
            ctx.session,
            ctx.now,
            effect.who.actor,
            "staff_add",
            data={
                "user_id": effect.member.user_id,
                "role": effect.member.role.value,
                "outcome": outcome,
            },
        )
        return answered(ctx, effect.who, StaffChanged(effect.member, outcome))

    async def remove_staff(self, ctx: EffectContext, effect: RemoveStaff) -> EffectResult:
        """Take someone off the register; never the last coordinator."""
        target = await staff.get(ctx.session, effect.user_id)
        if target is None:
            return answered(ctx, effect.who, StaffRefused(effect.user_id, "unknown"))
        if target.coordinator and len(await staff.coordinators(ctx.session)) == 1:
            return answered(ctx, effect.who, StaffRefused(effect.user_id, "last_coordinator"))
        await staff.remove(ctx.session, effect.user_id, ctx.now)
        await audit.record(
            ctx.session, ctx.now, effect.who.actor, "staff_remove", data={"user_id": effect.user_id}
        )
        return answered(ctx, effect.who, StaffChanged(target, "removed"))
