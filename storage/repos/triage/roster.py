"""The duty roster and duty taken by override; who is on duty, among registered staff."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, tzinfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.duty.roster import Duty, DutyRole, Override, Shift, next_change, on_duty
from storage.models import DutyOverride, RosterShift, Staff


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


async def replace(session: AsyncSession, shifts: Sequence[Shift]) -> None:
    """Make `shifts` the whole roster (in the caller's transaction: all or nothing)."""
    await session.execute(delete(RosterShift))
    session.add_all(
        RosterShift(
            user_id=s.user_id,
            day=s.day,
            start=f"{s.start:%H:%M}",
            end=f"{s.end:%H:%M}",
            role=s.role.value,
            line=s.line,
        )
        for s in shifts
    )


async def shifts(session: AsyncSession, *, registered_only: bool = False) -> tuple[Shift, ...]:
    """The roster in file order; `registered_only` leaves out people no longer on the register."""
    stmt = select(RosterShift).order_by(RosterShift.line, RosterShift.id)
    if registered_only:
        stmt = stmt.join(Staff, Staff.user_id == RosterShift.user_id).where(
            Staff.removed_at.is_(None)
        )
    return tuple(
        Shift(r.user_id, r.day, _time(r.start), _time(r.end), DutyRole(r.role), r.line)
        for r in await session.scalars(stmt)
    )


async def overrides(session: AsyncSession, now: datetime) -> tuple[Override, ...]:
    """Duty taken by registered staff that has not ended by `now`."""
    rows = await session.scalars(
        select(DutyOverride)
        .join(Staff, Staff.user_id == DutyOverride.user_id)
        .where(DutyOverride.ends_at > now, Staff.removed_at.is_(None))
        .order_by(DutyOverride.starts_at, DutyOverride.id)
    )
    return tuple(Override(r.user_id, r.starts_at, r.ends_at) for r in rows)


async def take(session: AsyncSession, override: Override) -> None:
    """Record duty taken by override."""
    session.add(
        DutyOverride(
            user_id=override.user_id, starts_at=override.starts_at, ends_at=override.ends_at
        )
    )


async def duty(session: AsyncSession, at: datetime, zone: tzinfo) -> Duty:
    """Who is on duty at `at`, among registered staff."""
    return on_duty(
        await shifts(session, registered_only=True), await overrides(session, at), at, zone
    )


async def duty_ahead(
    session: AsyncSession, at: datetime, zone: tzinfo
) -> tuple[Duty, tuple[datetime, Duty] | None]:
    """Who is on duty at `at`, and when and to whom it passes next."""
    roster, taken = await shifts(session, registered_only=True), await overrides(session, at)
    return on_duty(roster, taken, at, zone), next_change(roster, taken, at, zone)
