"""/metrics: counters kept where things happen, gauges read from the database per scrape."""

from bot.metrics.counters import Metrics

__all__ = ["Metrics"]
