"""Retention and legal hold: the daily sweep that deletes old content, and /tahan, /lepas.

The sweep is a timer row (kind `retention`), one per day: its key names the day, so several
processes and restarts schedule it once. A sweep deletes in batches; a full batch schedules
the next one a minute later, so that no transaction holds the database for long.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.effects.triage import answered
from bot.runtime.timers import Fired, TimerLoop
from flows.triage.effects import SetHold
from flows.triage.events import HoldSet, NotFound
from storage.repos.pipeline.timers import DueTimer, NewTimer
from storage.repos.triage import audit, retention

log = logging.getLogger(__name__)

RETENTION_TIMER = "retention"
BATCH = 200
DAY = timedelta(days=1)


def retention_timer(due_at: datetime, batch: bool = False) -> NewTimer:
    """The sweep due at `due_at`: one per day, or a follow-up batch of that day's sweep."""
    key = f"retention:{due_at.isoformat()}" if batch else f"retention:{due_at.date()}"
    return NewTimer(RETENTION_TIMER, key, due_at)


class Retention:
    """Deletes the content of tickets closed more than RETENTION_DAYS ago, unless held."""

    def __init__(self, days: int, batch: int = BATCH) -> None:
        self._keep = timedelta(days=days)
        self._batch = batch

    def register_effects(self, registry: EffectRegistry) -> None:
        """Handle the legal hold effect."""
        registry.register(SetHold, self.hold)

    def register_timers(self, loop: TimerLoop) -> None:
        """Handle the sweep timer."""
        loop.register(RETENTION_TIMER, self.sweep)

    async def sweep(self, session: AsyncSession, timer: DueTimer, now: datetime) -> Fired:
        """One batch; the next batch soon when this one was full, else tomorrow's sweep."""
        purged = await retention.purge_closed(session, now - self._keep, now, self._batch)
        for reference in purged:
            await audit.record(session, now, "system", "content_deleted", ticket_ref=reference)
        if purged:
            log.info("retention deleted the content of %d tickets", len(purged))
        if len(purged) == self._batch:
            return Fired(timers=[retention_timer(now + timedelta(minutes=1), batch=True)])
        # Tomorrow at the same time; after a long stop, a day from now (not one per missed day).
        following = timer.due_at + DAY
        return Fired(timers=[retention_timer(following if following > now else now + DAY)])

    async def hold(self, ctx: EffectContext, effect: SetHold) -> EffectResult:
        """Put on or lift a legal hold (the flow checked that a coordinator asked); audited."""
        changed = await retention.set_hold(ctx.session, effect.reference, effect.hold)
        if changed is None:
            return answered(ctx, effect.who, NotFound(effect.reference))
        if changed:
            action = "legal_hold" if effect.hold else "legal_hold_lifted"
            await audit.record(
                ctx.session, ctx.now, effect.who.actor, action, ticket_ref=effect.reference
            )
            log.info("ticket %s: %s", effect.reference, action)
        result = HoldSet(effect.reference, effect.hold, already=not changed)
        return answered(ctx, effect.who, result, effect.reference)
