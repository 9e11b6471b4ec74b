"""The case system's families on /metrics: its outgoing events and refused inbound calls.

Fed by `case_source` at scrape time. The case system's tables come with the case-webhook work
(issue 10); until then the families show zeros, so that dashboards and alerts can be set up
now. Wiring at merge: make `case_source` read `storage.repos.case.stats(session)` into a
`CaseStats`. Send failures towards it need no wiring: the dispatcher's recorder counts every
channel's outcomes (`lapor_sends_total{channel="case", outcome=~"retry|failed"}`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class CaseStats:
    """Outgoing case events by status, the oldest pending one's age, refused inbound calls."""

    events: dict[str, int] = field(default_factory=dict)  # pending | sent | failed
    oldest_pending: float = 0.0
    inbound_rejected: int = 0


def case_families(stats: CaseStats) -> list[Metric]:
    """The families for `stats`; every status is present, zero when none."""
    events = GaugeMetricFamily(
        "lapor_case_events", "Events for the case system by status", labels=["status"]
    )
    for status in ("pending", "sent", "failed"):
        events.add_metric([status], stats.events.get(status, 0))
    oldest = GaugeMetricFamily(
        "lapor_case_oldest_pending_age_seconds",
        "How long the oldest event for the case system has waited",
    )
    oldest.add_metric([], stats.oldest_pending)
    rejected = CounterMetricFamily(
        "lapor_case_inbound_rejected", "Calls to POST /case/events refused (signature, input)"
    )
    rejected.add_metric([], stats.inbound_rejected)
    return [events, oldest, rejected]


async def case_source(session: AsyncSession, now: datetime) -> list[Metric]:
    """The case system's families from the database (zeros until its tables exist)."""
    del session, now  # read once the case tables exist (see the module's docstring)
    return case_families(CaseStats())
