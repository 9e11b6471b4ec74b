"""docs/grafana-dashboard.json and docs/operations.md name only metrics /metrics serves."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics
from bot.metrics.case import case_families
from bot.metrics.scrape import Snapshot, render
from storage.repos.case.events import CaseStats
from storage.repos.pipeline.stats import PipelineStats
from storage.repos.triage.stats import ACK_BUCKETS, TicketStats

DOCS = Path(__file__).resolve().parents[1] / "docs"
NAME = re.compile(r"\blapor_[a-z_]+")
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def served() -> set[str]:
    """Every sample name of a scrape where every family has a value."""
    metrics = Metrics()
    metrics.sends.labels("telegram", "sent").inc()
    metrics.rejected.labels("403").inc()
    metrics.case_rejected.labels("401").inc()
    snapshot = Snapshot(
        PipelineStats({"pending": 1}, 1.0, {("telegram", "pending"): 1}, {"telegram": 1.0}),
        TicketStats({"new": 1}, 1, 1, tuple(1 for _ in ACK_BUCKETS), 1, 30.0),
        case_families(CaseStats(1, 1, 1, NOW, retrying=1, failed_attempts=2), NOW, False),
    )
    text = render(metrics, snapshot).decode()
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def test_the_dashboard_is_valid_json_and_names_only_served_metrics() -> None:
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    names = {n for e in exprs for n in NAME.findall(e)}
    assert names and names <= served(), names - served()
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


def test_the_operations_doc_names_only_served_metrics() -> None:
    names = set(NAME.findall((DOCS / "operations.md").read_text()))
    families = {re.sub(r"_(bucket|sum|count)$", "", n) for n in served()} | served()
    assert names and names <= families, names - families
