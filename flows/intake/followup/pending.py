"""The one reference a reporter's conversation may hold after filing, for one message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flows.domain.ticket import REFERENCE_PATTERN

# How long a ticket found by receipt (or named by a relayed message's Reply button) stays open
# for the reporter's next message. After that the conversation forgets the reference.
PENDING_WINDOW = timedelta(minutes=30)
_FIELDS = frozenset({"reference", "at", "awaiting", "by_contact"})


@dataclass(frozen=True)
class Pending:
    """A ticket the reporter may add to: found by their receipt (`awaiting` once they tap Add
    information) or named by the Reply button of a relayed message (`by_contact`)."""

    reference: str
    since: datetime
    awaiting: bool = False
    by_contact: bool = False

    def open_at(self, now: datetime) -> bool:
        """Still within `PENDING_WINDOW`."""
        return now - self.since <= PENDING_WINDOW


def dump_pending(p: Pending) -> dict[str, Any]:
    """JSON-safe form."""
    return {
        "reference": p.reference,
        "at": p.since.isoformat(),
        "awaiting": p.awaiting,
        "by_contact": p.by_contact,
    }


def load_pending(raw: object) -> Pending | None:
    """What `dump_pending` wrote (None stays None); raises ValueError for anything else."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != _FIELDS:
        raise ValueError("malformed pending reference")
    reference, awaiting, by_contact = raw["reference"], raw["awaiting"], raw["by_contact"]
    if not isinstance(reference, str) or re.fullmatch(REFERENCE_PATTERN, reference) is None:
        raise ValueError("malformed pending reference")
    if not isinstance(awaiting, bool) or not isinstance(by_contact, bool):
        raise ValueError("malformed pending reference")
    at = datetime.fromisoformat(str(raw["at"]))
    if at.tzinfo is None:
        raise ValueError("naive time in a pending reference")
    return Pending(reference, at, awaiting, by_contact)
