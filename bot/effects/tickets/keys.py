"""Names of what a ticket leaves behind for later: tracked message ids, timers and their keys.

Kept apart from the announcer because the SLA, digest and relay effects read them too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.domain.duty.sla import Step, due
from flows.domain.ticket import Ticket
from storage.repos.pipeline.timers import NewTimer

SLA_TIMER = "sla"  # one SLA step of a ticket (data: {"step": ...})
DM_FAILED = "dm_failed"  # a private message to staff failed for good (data: {"track": ...})
DIGEST_TIMER = "digest"  # post the flood digest of the staff group
# Add the link to the group card to the first private messages once the card is there (they
# go out at the same time as the card, before its message id is known). Data: {"to": [...]}.
DM_LINK_TIMER = "dm_link"
DM_LINK_TRIES = 30  # once a second: the card normally goes out within a second
# Messages to the group in the last minute (and still waiting) from which new cards become
# digest lines: Telegram takes 20 a minute in a group, and staff replies need room too.
CARD_BUDGET = 14
WINDOW = timedelta(minutes=1)


def card_track(reference: str) -> str:
    """The name under which the id of a ticket's card in the staff group is kept."""
    return f"card:{reference}"


def topic_track(reference: str) -> str:
    """The name under which the thread id of a ticket's forum topic is kept."""
    return f"topic:{reference}"


def dm_track(reference: str, user_id: int) -> str:
    """The name of a private message to a staff member about a ticket."""
    return f"dm:{reference}:{user_id}"


def parse_dm_track(track: object) -> tuple[str, int] | None:
    """(reference, user id) of a `dm_track` name, or None."""
    parts = str(track).split(":")
    if len(parts) != 3 or parts[0] != "dm" or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def sla_keys(reference: str) -> list[str]:
    """The keys of every SLA step timer of a ticket (to cancel them once it is taken)."""
    return [f"{SLA_TIMER}:{reference}:{step.value}" for step in Step]


def sla_timer(ticket: Ticket, step: Step) -> NewTimer:
    """The timer of one SLA step of a ticket."""
    return NewTimer(
        SLA_TIMER,
        f"{SLA_TIMER}:{ticket.reference}:{step.value}",
        due(ticket.created_at, ticket.ack_due_at, step),
        ticket.reference,
        {"step": step.value},
    )


def digest_timer(now: datetime) -> NewTimer:
    """The digest of the minute holding `now`, posted when that minute ends."""
    minute = int(now.timestamp() // 60)
    return NewTimer(
        DIGEST_TIMER, f"{DIGEST_TIMER}:{minute}", datetime.fromtimestamp((minute + 1) * 60, tz=UTC)
    )
