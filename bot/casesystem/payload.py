"""The case system's view of a ticket: SIMFONI-style fields, no reporter identity, no notes.

`ticket_data` is the `data` of every ticket event (docs/case-webhook.schema.json); its
`fingerprint` (a short hash per field, never the values) tells later which fields changed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.domain.ticket import Ticket
from storage.models import TicketNote
from storage.repos.case import links
from storage.repos.triage import referrals, staff

CREATED, UPDATED, CLOSED = "ticket.created", "ticket.updated", "ticket.closed"
REPORTER_MESSAGE = "ticket.reporter_message"
EVENT_TYPES = (CREATED, UPDATED, CLOSED, REPORTER_MESSAGE)
# Fields that change by themselves, or only name the event: never a reason to send one.
_NOT_COMPARED = frozenset({"reference", "changed"})


def _iso(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at is not None else None


async def note_count(session: AsyncSession, reference: str) -> int:
    """How many internal notes a ticket has (their text never leaves the bot)."""
    return int(
        await session.scalar(
            select(func.count()).select_from(TicketNote).where(TicketNote.ticket_ref == reference)
        )
        or 0
    )


async def ticket_data(session: AsyncSession, ticket: Ticket) -> dict[str, Any]:
    """The event `data` of `ticket` as it stands."""
    report = ticket.report
    holder = await staff.get(session, ticket.assignee) if ticket.assignee else None
    link = await links.get(session, ticket.reference)
    return {
        "reference": ticket.reference,
        "status": ticket.status.value,
        "reported_at": _iso(ticket.created_at),
        "urgent": ticket.urgent,
        "child_involved": ticket.child,
        "in_malaysia": report.in_malaysia,
        "low_information": report.low_information,
        "reporter_role": report.reporter_role,
        "incident_when": report.when,
        "location": {
            "kind": report.place_kind,
            "place": report.place,
            "text": report.place_text,
        },
        "victims": {"count": report.victim_count, "age_band": report.victim_age},
        "indicators": list(report.indicators),
        "narrative": report.story,
        "attachments": len(report.attachments),
        "acknowledged_at": _iso(ticket.acknowledged_at),
        # The officer holding it, by registered name and role: never a Telegram id.
        "assignee": None if holder is None else {"name": holder.name, "role": holder.role.value},
        "referrals": [
            {
                "agency": r.agency.value,
                "referred_at": _iso(r.referred_at),
                "outcome": r.outcome.value,
                "outcome_at": _iso(r.outcome_at),
            }
            for r in await referrals.of(session, ticket.reference)
        ],
        "note_count": await note_count(session, ticket.reference),
        "closed_at": _iso(ticket.closed_at),
        "closed_reason": ticket.closed_reason,
        "case_id": link.case_id if link else None,
    }


def fingerprint(data: dict[str, Any]) -> dict[str, str]:
    """A short hash of each compared field of `data`."""
    return {
        name: hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
        for name, value in data.items()
        if name not in _NOT_COMPARED
    }


def changed_fields(before: dict[str, Any], after: dict[str, str]) -> list[str]:
    """The fields whose hash differs."""
    return sorted(name for name, value in after.items() if before.get(name) != value)


def envelope(event_type: str, at: datetime, data: dict[str, Any]) -> bytes:
    """The body of one event as the Standard Webhooks spec shapes it."""
    body = {"type": event_type, "timestamp": _iso(at), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
