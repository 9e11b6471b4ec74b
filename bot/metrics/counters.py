"""The counters of one app, kept in a registry of its own.

Tests start many apps in one process, so never the global default registry.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter

if TYPE_CHECKING:
    from bot.metrics.scrape import Snapshot


class Metrics:
    """The counters of one app, incremented where things happen."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.received = Counter(
            "lapor_updates_received", "Updates stored in the inbox (new ones only)", registry=r
        )
        self.duplicates = Counter(
            "lapor_updates_duplicate", "Updates Telegram delivered again (ignored)", registry=r
        )
        self.rejected = Counter(
            "lapor_webhook_rejected",
            "Webhook requests refused, by HTTP status (403 secret, 400/413 input, 503 storage)",
            ["code"],
            registry=r,
        )
        self.processed = Counter(
            "lapor_updates_processed", "Updates handled and committed", registry=r
        )
        self.failed = Counter(
            "lapor_updates_failed", "Attempts at an update that failed (retried)", registry=r
        )
        self.parked = Counter(
            "lapor_updates_parked", "Updates given up after every attempt failed", registry=r
        )
        self.sends = Counter(
            "lapor_sends",
            "Outbox sends by channel and outcome (sent, retry, failed, rewrite)",
            ["channel", "outcome"],
            registry=r,
        )
        self.throttled = Counter(
            "lapor_telegram_throttled", "Bot API calls answered 429 (RetryAfter)", registry=r
        )
        self.case_rejected = Counter(
            "lapor_case_inbound_rejected",
            "Calls to POST /case/events refused, by HTTP status (signature, input, storage)",
            ["code"],
            registry=r,
        )
        self.reading: asyncio.Task[Snapshot] | None = None  # a scrape's database read
