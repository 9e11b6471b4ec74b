"""One scrape: gauges read from the database, and the app's counters, in the text format.

Counters live in a registry of this app's own (tests start many apps in one process, so never
the global default registry). Gauges about backlogs and tickets are read at scrape time with a
few aggregate queries; when the database does not answer in time they are left out and
`lapor_database_up` is 0: a scrape never fails because of the database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics.counters import Metrics
from storage.db import Database
from storage.repos.pipeline import stats as pipeline_stats
from storage.repos.pipeline.stats import PipelineStats
from storage.repos.triage import stats as ticket_stats
from storage.repos.triage.stats import ACK_BUCKETS, TicketStats

SCRAPE_TIMEOUT = 2.0  # seconds the database has to answer a scrape
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# More families read at scrape time, each from one session (e.g. the case system's outbox,
# bot/metrics/case.py): they go where the database's own gauges go.
Source = Callable[[AsyncSession, datetime], Awaitable[list[Metric]]]


@dataclass
class Snapshot:
    """What the database said at one scrape (None: it did not answer)."""

    pipeline: PipelineStats | None = None
    tickets: TicketStats | None = None
    extra: list[Metric] = field(default_factory=list)
    seconds: float = 0.0


def _gauge(
    name: str, doc: str, labels: list[str], values: Iterable[tuple[list[str], float]]
) -> Metric:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for label_values, value in values:
        family.add_metric(label_values, value)
    return family


def pipeline_families(stats: PipelineStats) -> Iterator[Metric]:
    """Inbox and outbox backlogs, and the age of their oldest pending rows."""
    yield _gauge(
        "lapor_inbox_updates",
        "Inbox rows by status (pending: waiting; parked: given up; done: kept for dedup)",
        ["status"],
        (([status], n) for status, n in sorted(stats.inbox.items())),
    )
    yield _gauge(
        "lapor_inbox_oldest_pending_age_seconds",
        "How long the oldest pending update has waited",
        [],
        [([], stats.inbox_oldest_pending or 0.0)],
    )
    yield _gauge(
        "lapor_outbox_messages",
        "Outbox rows by channel and status (pending: backlog; failed: given up)",
        ["channel", "status"],
        ((list(key), n) for key, n in sorted(stats.outbox.items())),
    )
    yield _gauge(
        "lapor_outbox_oldest_pending_age_seconds",
        "How long the oldest pending outgoing message has waited, by channel",
        ["channel"],
        (([channel], age) for channel, age in sorted(stats.outbox_oldest_pending.items())),
    )


def ticket_families(stats: TicketStats) -> Iterator[Metric]:
    """Tickets by status, SLA breaches, and the time to acknowledge."""
    yield _gauge(
        "lapor_tickets",
        "Tickets by status",
        ["status"],
        (([status], n) for status, n in sorted(stats.by_status.items())),
    )
    yield _gauge(
        "lapor_tickets_overdue",
        "New tickets past their acknowledgment deadline (SLA breached, not yet acknowledged)",
        [],
        [([], stats.overdue)],
    )
    escalations = CounterMetricFamily(
        "lapor_sla_escalations", "SLA escalation steps taken (each a breach of a deadline)"
    )
    escalations.add_metric([], stats.escalations)
    yield escalations
    buckets = [
        (repr(bound), float(n)) for bound, n in zip(ACK_BUCKETS, stats.ack_buckets, strict=True)
    ]
    yield HistogramMetricFamily(
        "lapor_time_to_acknowledge_seconds",
        "From a ticket's filing to its first acknowledgment by staff",
        buckets=[*buckets, ("+Inf", float(stats.ack_count))],
        sum_value=stats.ack_sum,
    )


class _SnapshotCollector(Collector):
    """Hands one scrape's snapshot and the app's counters to the text encoder."""

    def __init__(self, metrics: Metrics, snapshot: Snapshot) -> None:
        self._metrics = metrics
        self._snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        snap = self._snapshot
        up = snap.pipeline is not None and snap.tickets is not None
        yield _gauge("lapor_up", "1: the process answers scrapes", [], [([], 1.0)])
        yield _gauge(
            "lapor_database_up", "1: the database answered this scrape", [], [([], float(up))]
        )
        yield _gauge(
            "lapor_scrape_database_seconds",
            "Time the database took to answer this scrape",
            [],
            [([], snap.seconds)],
        )
        if snap.pipeline is not None:
            yield from pipeline_families(snap.pipeline)
        if snap.tickets is not None:
            yield from ticket_families(snap.tickets)
        yield from snap.extra
        yield from self._metrics.registry.collect()


async def _read(db: Database, now: datetime, sources: Iterable[Source]) -> Snapshot:
    started = time.perf_counter()
    async with db.sessions() as session:
        pipeline = await pipeline_stats.collect(session, now)
        tickets = await ticket_stats.collect(session, now)
        extra = [family for source in sources for family in await source(session, now)]
    return Snapshot(pipeline, tickets, extra, time.perf_counter() - started)


async def snapshot(
    metrics: Metrics, db: Database, now: datetime, sources: Iterable[Source] = ()
) -> Snapshot:
    """Read the gauges from the database; an empty snapshot when it does not answer in time.

    The read runs as a task of its own: a stuck database (a lock held elsewhere) can hold a
    connection's clean-up long after the time-out, and the scrape must not wait for that. While
    one read is still stuck, the next scrapes do not start another.
    """
    started = time.perf_counter()
    if metrics.reading is not None and not metrics.reading.done():
        return Snapshot(seconds=0.0)
    task = asyncio.create_task(_read(db, now, list(sources)), name="metrics-read")
    metrics.reading = task
    task.add_done_callback(lambda t: t.cancelled() or t.exception())  # never "unretrieved"
    done, _ = await asyncio.wait({task}, timeout=SCRAPE_TIMEOUT)
    if not done:
        task.cancel()
        return Snapshot(seconds=time.perf_counter() - started)
    if task.cancelled() or task.exception() is not None:
        return Snapshot(seconds=time.perf_counter() - started)
    return task.result()


def render(metrics: Metrics, snap: Snapshot) -> bytes:
    """The Prometheus text format of the counters and one scrape's snapshot."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(metrics, snap))
    return generate_latest(registry)
