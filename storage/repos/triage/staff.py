"""The staff register: who may act on tickets. Removed members keep their row for history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.duty.staff import Role, StaffMember
from storage.models import Staff


def _member(row: Staff) -> StaffMember:
    return StaffMember(row.user_id, row.name, Role(row.role))


async def get(session: AsyncSession, user_id: int) -> StaffMember | None:
    """The registered (not removed) member with `user_id`, or None."""
    row = await session.get(Staff, user_id)
    return None if row is None or row.removed_at is not None else _member(row)


async def is_staff(session: AsyncSession, user_id: int) -> bool:
    """Whether `user_id` is a registered member (the router's staff check)."""
    return await get(session, user_id) is not None


async def active(session: AsyncSession) -> list[StaffMember]:
    """Every registered member, by name."""
    rows = await session.scalars(
        select(Staff)
        .where(Staff.removed_at.is_(None))
        .order_by(func.lower(Staff.name), Staff.user_id)
    )
    return [_member(r) for r in rows]


async def coordinators(session: AsyncSession) -> list[int]:
    """User ids of the registered coordinators."""
    return [m.user_id for m in await active(session) if m.coordinator]


async def names(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, str]:
    """Names by user id, removed members included (history and old tickets name them)."""
    wanted = {u for u in user_ids if u is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(Staff.user_id, Staff.name).where(Staff.user_id.in_(wanted)))
    return {int(uid): str(name) for uid, name in rows}


async def add(session: AsyncSession, member: StaffMember, now: datetime) -> str:
    """Register `member` (or update their name and role): "added", "updated" or "restored"."""
    row = await session.get(Staff, member.user_id)
    if row is None:
        session.add(
            Staff(user_id=member.user_id, name=member.name, role=member.role.value, added_at=now)
        )
        return "added"
    restored = row.removed_at is not None
    row.name, row.role, row.removed_at = member.name, member.role.value, None
    if restored:
        row.added_at = now
    return "restored" if restored else "updated"


async def remove(session: AsyncSession, user_id: int, now: datetime) -> StaffMember | None:
    """Take `user_id` off the register; the member removed, or None if they were not on it."""
    row = await session.get(Staff, user_id)
    if row is None or row.removed_at is not None:
        return None
    row.removed_at = now
    return _member(row)
