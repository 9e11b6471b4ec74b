"""How long a ticket may wait for someone to take it, and what happens when it waits longer.

The SLA of a ticket is the time between filing and `ack_due_at` (SLA_URGENT, SLA_CHILD or
SLA_NORMAL). The ladder: at half of it the person it was routed to is reminded; at the full time
it goes to the backup; at one and a half times to the coordinators; at twice to the whole group.
After downtime only the latest step that has come due is taken, once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class Step(StrEnum):
    """One rung of the escalation ladder."""

    REMIND = "remind"
    BACKUP = "backup"
    COORDINATORS = "coordinators"
    GROUP = "group"


# Each step and the fraction of the SLA after which it is taken.
LADDER: tuple[tuple[Step, float], ...] = (
    (Step.REMIND, 0.5),
    (Step.BACKUP, 1.0),
    (Step.COORDINATORS, 1.5),
    (Step.GROUP, 2.0),
)
_ORDER = [step for step, _ in LADDER]


def due(created_at: datetime, ack_due_at: datetime, step: Step) -> datetime:
    """When `step` is taken for a ticket filed at `created_at`, due by `ack_due_at`."""
    factor = dict(LADDER)[step]
    return created_at + (ack_due_at - created_at) * factor


def latest_due(created_at: datetime, ack_due_at: datetime, now: datetime) -> Step | None:
    """The last step whose time has come at `now` (None: not even the reminder)."""
    reached = [step for step in _ORDER if due(created_at, ack_due_at, step) <= now]
    return reached[-1] if reached else None


def following(step: Step) -> Step | None:
    """The step after `step`, or None after the last."""
    index = _ORDER.index(step)
    return _ORDER[index + 1] if index + 1 < len(_ORDER) else None


def rank(step: Step | str | None) -> int:
    """How far up the ladder `step` is: 0 for none, 1 for the reminder..."""
    return _ORDER.index(Step(step)) + 1 if step else 0
