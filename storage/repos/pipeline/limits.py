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
from storage.repos import sql

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


@dataclass
class _Bucket:
    """One reporter's row, read and written with plain SQL (this runs for every message)."""

    key: str
    tokens: float
    at: datetime
    reports: int
    window_at: datetime
    told_at: datetime | None = None


_COLUMNS = ("key", "tokens", "at", "reports", "window_at", "told_at")


def _values(bucket: _Bucket) -> dict[str, object]:
    return {name: getattr(bucket, name) for name in _COLUMNS}


async def _load(session: AsyncSession, key: str, at: datetime, limits: Limits) -> _Bucket:
    m = ReporterLimit
    fresh = _Bucket(key, limits.burst, at, 0, at)
    stmt = select(m.key, m.tokens, m.at, m.reports, m.window_at, m.told_at).where(m.key == key)
    if sql.dialect(session) == "postgresql":
        # FOR UPDATE locks only a row that exists: create it first (nothing happens when it
        # does), so that a second process waits for the first instead of both starting from a
        # fresh bucket. SQLite's writers take turns anyway (BEGIN IMMEDIATE).
        insert = sql.insert(session, ReporterLimit).values(_values(fresh))
        await session.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).first()
    return fresh if row is None else _Bucket(*row)


async def _store(session: AsyncSession, bucket: _Bucket) -> None:
    values = _values(bucket)
    stmt = sql.insert(session, ReporterLimit).values(values)
    changed = {name: value for name, value in values.items() if name != "key"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_=changed))


def _notice(row: _Bucket, at: datetime, limits: Limits) -> Verdict:
    if row.told_at is not None and at - row.told_at < limits.notice_every:
        return Verdict.DROP
    row.told_at = at
    return Verdict.TELL


async def take_message(session: AsyncSession, key: str, at: datetime, limits: Limits) -> Verdict:
    """Spend one token for a message received `at`, or say it is over the limit."""
    row = await _load(session, key, at, limits)
    elapsed = max((at - row.at).total_seconds(), 0.0)
    row.tokens = min(limits.burst, row.tokens + elapsed * limits.rate)
    row.at = max(row.at, at)
    if row.tokens >= 1.0:
        row.tokens -= 1.0
        verdict = Verdict.ADMIT
    else:
        verdict = _notice(row, at, limits)
    await _store(session, row)
    return verdict


async def take_report(session: AsyncSession, key: str, at: datetime, limits: Limits) -> bool:
    """Count one new report filed `at`; False (nothing counted) when the hour's are used up."""
    row = await _load(session, key, at, limits)
    if at - row.window_at >= HOUR:
        row.reports, row.window_at = 0, at
    if row.reports >= limits.reports_per_hour:
        return False
    row.reports += 1
    row.at = max(row.at, at)
    await _store(session, row)
    return True


async def forget_idle(session: AsyncSession, before: datetime) -> int:
    """Delete the limits of reporters silent since `before` (an hour ago is enough)."""
    result = await session.execute(
        delete(ReporterLimit).where(ReporterLimit.at < before, ReporterLimit.window_at < before)
    )
    return sql.rowcount(result)
