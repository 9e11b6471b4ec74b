"""Repositories of the case-system link: outbound events, per-ticket link state, inbound ids.

`stats` is what /metrics reads: pending, failed and sent events, and failed tries.
"""

from storage.repos.case.events import CaseStats, stats

__all__ = ["CaseStats", "stats"]
