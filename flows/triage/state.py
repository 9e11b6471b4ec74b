"""A staff member's triage state: at most one typed answer awaited (a note for a ticket)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flows.domain.ticket import REFERENCE_PATTERN

STATE_VERSION = 1
# A note asked for and not typed within this time is forgotten: the next text is chatter.
PENDING_FOR = timedelta(minutes=15)
_REFERENCE = re.compile(REFERENCE_PATTERN)


@dataclass(frozen=True)
class TriageState:
    """What the flow waits for from one staff member: a note for `note_for`, asked at `since`."""

    note_for: str | None = None
    since: datetime | None = None
    private: bool = False  # asked in the private chat (else in the staff group)

    def awaiting_note(self, at: datetime, private: bool) -> str | None:
        """The ticket a text typed at `at` (here) is a note for, if one is awaited."""
        if self.note_for is None or self.since is None or private != self.private:
            return None
        return self.note_for if at - self.since <= PENDING_FOR else None


def dump_state(state: TriageState) -> dict[str, Any]:
    """JSON-safe form, tagged with `STATE_VERSION`."""
    return {
        "v": STATE_VERSION,
        "note_for": state.note_for,
        "private": state.private,
        "since": state.since.isoformat() if state.since else None,
    }


def load_state(data: Mapping[str, Any]) -> TriageState | None:
    """The stored state, or None (nothing awaited) when it is of another version or malformed."""
    try:
        if data.get("v") != STATE_VERSION:
            return None
        note_for, since = data.get("note_for"), data.get("since")
        if note_for is None:
            return TriageState()
        if not isinstance(note_for, str) or _REFERENCE.fullmatch(note_for) is None:
            return None
        when = datetime.fromisoformat(str(since))
        return TriageState(note_for, when, bool(data.get("private")))
    except (TypeError, ValueError, AttributeError):
        return None
