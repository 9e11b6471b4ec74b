"""The outbox: every outgoing call, committed with its cause, delivered at least once.

A row is leased by the process sending it (`lease_owner`, see storage.owner): the lease ends
when that process ends, and every finish is conditional on still holding it, so a process that
lost its lease (it was taken for dead) changes nothing.

Its parts: `queue` (what a change adds), `picking` (what may go now, and leases), `finishing`
(what became of a send) and `stats`. Callers use this package's names (`outbox.add`, ...).
"""

from storage.repos.pipeline.outbox.finishing import (
    mark_failed,
    mark_sent,
    replace,
    retry_later,
    wake_stalled,
)
from storage.repos.pipeline.outbox.picking import Due, due, lease, payloads, release
from storage.repos.pipeline.outbox.queue import EVIDENCE, SKIPPED, NewMessage, add, drop_pending
from storage.repos.pipeline.outbox.stats import (
    NOT_MESSAGES,
    group_load,
    oldest_pending,
    pending_count,
    purge,
)

__all__ = [
    "EVIDENCE",
    "NOT_MESSAGES",
    "SKIPPED",
    "Due",
    "NewMessage",
    "add",
    "drop_pending",
    "due",
    "group_load",
    "lease",
    "mark_failed",
    "mark_sent",
    "oldest_pending",
    "payloads",
    "pending_count",
    "purge",
    "release",
    "replace",
    "retry_later",
    "wake_stalled",
]
