"""The shared send budget: recent send times per limit key, taken under a row lock.

Every process asks here before each send. The rows of the keys a send counts under are locked
in key order (so two processes never deadlock), their windows are checked, and the send is
recorded in the same transaction: two processes can never both take the last turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SendBudget
from storage.repos import sql


@dataclass(frozen=True)
class Rule:
    """At most `count` sends in any `seconds`-long window."""

    count: int
    seconds: float

    def wait(self, times: Sequence[float], now: float) -> float:
        """Seconds until one more send fits, given the newest send times (newest first)."""
        if len(times) < self.count:
            return 0.0
        return max(times[self.count - 1] + self.seconds - now, 0.0)


async def _ensure(session: AsyncSession, keys: Sequence[str], now: float) -> None:
    await session.execute(
        sql.insert(session, SendBudget)
        .values(
            [{"key": k, "times": [], "paused_until": None, "last_at": now} for k in keys],
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )


async def take(
    session: AsyncSession, keys: Sequence[tuple[str, Sequence[Rule]]], now: float
) -> float:
    """0 when a send fits every rule of every key (and is recorded), else seconds to wait."""
    rules = dict(keys)
    names = sorted(rules)
    await _ensure(session, names, now)
    stmt = select(SendBudget).where(SendBudget.key.in_(names)).order_by(SendBudget.key)
    if sql.dialect(session) == "postgresql":
        stmt = stmt.with_for_update()
    rows = list(await session.scalars(stmt))
    wait = 0.0
    for row in rows:
        times = list(row.times or [])
        wait = max(
            wait,
            (row.paused_until or 0.0) - now,
            *(rule.wait(times, now) for rule in rules[row.key]),
        )
    if wait > 0:
        return wait
    for row in rows:
        keep = max(rule.count for rule in rules[row.key])
        await session.execute(
            update(SendBudget)
            .where(SendBudget.key == row.key)
            .values(times=[now, *(row.times or [])][:keep], last_at=now)
        )
    return 0.0


async def pause(session: AsyncSession, key: str, until: float) -> None:
    """No send under `key` before `until`."""
    await _ensure(session, [key], until)
    await session.execute(
        update(SendBudget).where(SendBudget.key == key).values(paused_until=until)
    )


async def touch(session: AsyncSession, key: str, now: float) -> None:
    """Write `key`'s row (readiness checks that the database takes writes)."""
    await _ensure(session, [key], now)
    await session.execute(update(SendBudget).where(SendBudget.key == key).values(last_at=now))


async def purge(session: AsyncSession, before: float) -> int:
    """Forget keys unused since `before` (quiet chats)."""
    result = await session.execute(delete(SendBudget).where(SendBudget.last_at < before))
    return sql.rowcount(result)
