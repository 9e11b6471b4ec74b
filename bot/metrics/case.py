"""The case system's families on /metrics, read from the database at each scrape.

Refused inbound calls are a counter of the app (`Metrics.case_rejected`, counted by the route);
failed sends towards the case system show here as retrying events and failed tries.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy.ext.asyncio import AsyncSession

from storage.repos.case import events, links
from storage.repos.case.events import CaseStats


def case_families(stats: CaseStats, now: datetime, disabled: bool) -> list[Metric]:
    """The families for `stats`; every status is present, zero when none."""
    by_status = GaugeMetricFamily(
        "lapor_case_events", "Events for the case system by status", labels=["status"]
    )
    for status, count in (
        ("pending", stats.pending),
        ("sent", stats.sent),
        ("failed", stats.failed),
    ):
        by_status.add_metric([status], count)
    oldest = GaugeMetricFamily(
        "lapor_case_oldest_pending_age_seconds",
        "How long the oldest event for the case system has waited",
    )
    waited = stats.oldest_pending_at
    oldest.add_metric([], max(0.0, (now - waited).total_seconds()) if waited else 0.0)
    retrying = GaugeMetricFamily(
        "lapor_case_events_retrying", "Pending events for the case system that failed a try"
    )
    retrying.add_metric([], stats.retrying)
    tries = CounterMetricFamily(
        "lapor_case_failed_attempts", "Tries to deliver an event that failed (events still kept)"
    )
    tries.add_metric([], stats.failed_attempts)
    off = GaugeMetricFamily(
        "lapor_case_endpoint_disabled", "1 while the case endpoint is disabled (it answered 410)"
    )
    off.add_metric([], 1 if disabled else 0)
    return [by_status, oldest, retrying, tries, off]


async def case_source(session: AsyncSession, now: datetime) -> list[Metric]:
    """The case system's families from the database."""
    stats = await events.stats(session)
    return case_families(stats, now, await links.disabled(session) is not None)
