"""Statistics of tickets over a period: counts, and how quickly tickets were acknowledged.

Percentiles use the nearest-rank method (the value at rank ceil(p/100 * n)), so every figure
is a time some ticket actually took.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from flows.domain.ticket import Ticket, TicketStatus


@dataclass(frozen=True)
class Timing:
    """How long tickets waited to be acknowledged: how many, median and 90th percentile."""

    count: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None


@dataclass(frozen=True)
class Stats:
    """Tickets filed in [start, end): counts by status, urgency and indicator; ack times."""

    start: datetime
    end: datetime
    total: int
    by_status: tuple[tuple[TicketStatus, int], ...]
    urgent: int
    child: int
    normal: int
    by_indicator: tuple[tuple[str, int], ...]  # most frequent first
    ack: Timing
    by_responder: tuple[tuple[int, Timing], ...]  # staff user id, fastest median first


def percentile(values: Sequence[timedelta], p: float) -> timedelta | None:
    """The nearest-rank `p`th percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timing(values: Sequence[timedelta]) -> Timing:
    """Count, median and 90th percentile of `values`."""
    return Timing(len(values), percentile(values, 50), percentile(values, 90))


def compute(tickets: Iterable[Ticket], start: datetime, end: datetime) -> Stats:
    """Statistics of the tickets filed in [start, end)."""
    chosen = [tk for tk in tickets if start <= tk.created_at < end]
    statuses = Counter(tk.status for tk in chosen)
    indicators = Counter(i for tk in chosen for i in tk.report.indicators)
    waits: list[timedelta] = []
    per: dict[int, list[timedelta]] = {}
    for tk in chosen:
        if tk.acknowledged_at is None:
            continue
        wait = max(tk.acknowledged_at - tk.created_at, timedelta(0))
        waits.append(wait)
        if tk.acknowledged_by is not None:
            per.setdefault(tk.acknowledged_by, []).append(wait)
    responders = sorted(
        ((uid, timing(w)) for uid, w in per.items()),
        key=lambda item: (item[1].median or timedelta(0), item[0]),
    )
    urgent = sum(1 for tk in chosen if tk.urgent)
    child = sum(1 for tk in chosen if tk.child and not tk.urgent)
    return Stats(
        start,
        end,
        len(chosen),
        tuple((s, statuses[s]) for s in TicketStatus),
        urgent,
        child,
        len(chosen) - urgent - child,
        tuple(sorted(indicators.items(), key=lambda item: (-item[1], item[0]))),
        timing(waits),
        tuple(responders),
    )


def week_start(now: datetime, zone: tzinfo) -> datetime:
    """Monday 00:00 local time of the week holding `now`."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone)


def month_start(now: datetime, zone: tzinfo) -> datetime:
    """The 1st, 00:00 local time, of the month holding `now`."""
    local = now.astimezone(zone)
    return datetime.combine(local.date().replace(day=1), time(0), tzinfo=zone)
