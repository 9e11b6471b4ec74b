"""Per-reporter abuse limits in the database, so that every worker process shares them.

A token bucket for messages (refilled `rate` per second up to `burst`) and a count of new
reports in a rolling hour, both keyed by the reporter's HMAC pseudonym. Rows go once idle, so
the table never becomes a record of who reported when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReporterLimit

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Limits:
    """How much one reporter may send: `rate` messages a second with bursts of `burst`, and
    `reports_per_hour` new reports; the notice is repeated at most every `notice_every`."""

    rate: float = 1.0
    burst: float = 10.0
    reports_per_hour: int = 5
    notice_every: timedelta = timedelta(minutes=1)


class Verdict(Enum):
    """What to do with one message."""

    ADMIT = "admit"
    TELL = "tell"  # over the limit: dropped, and the reporter is told once
    DROP = "drop"  # over the limit, already told


async def _row(session: AsyncSession, key: str, at: datetime, limits: Limits) -> ReporterLimit:
    stmt = select(ReporterLimit).where(ReporterLimit.key == key)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = await session.scalar(stmt)
    if row is None:
        row = ReporterLimit(key=key, tokens=limits.burst, at=at, reports=0, window_at=at)
        session.add(row)
    return row


def _notice(row: ReporterLimit, at: datetime, limits: Limits) -> Verdict:
    if row.told_at is not None and at - row.told_at < limits.notice_every:
        return Verdict.DROP
    row.told_at = at
    return Verdict.TELL


async def take_message(session: AsyncSession, key: str, at: datetime, limits: Limits) -> Verdict:
    """Spend one token for a message received `at`, or say it is over the limit."""
    row = await _row(session, key, at, limits)
    elapsed = max((at - row.at).total_seconds(), 0.0)
    row.tokens = min(limits.burst, row.tokens + elapsed * limits.rate)
    row.at = max(row.at, at)
    if row.tokens >= 1.0:
        row.tokens -= 1.0
        return Verdict.ADMIT
    return _notice(row, at, limits)


async def take_report(session: AsyncSession, key: str, at: datetime, limits: Limits) -> bool:
    """Count one new report filed `at`; False (nothing counted) when the hour's are used up."""
    row = await _row(session, key, at, limits)
    if at - row.window_at >= HOUR:
        row.reports, row.window_at = 0, at
    if row.reports >= limits.reports_per_hour:
        return False
    row.reports += 1
    row.at = max(row.at, at)
    return True


async def forget_idle(session: AsyncSession, before: datetime) -> int:
    """Delete the limits of reporters silent since `before` (an hour ago is enough)."""
    result = await session.execute(
        delete(ReporterLimit).where(ReporterLimit.at < before, ReporterLimit.window_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)
