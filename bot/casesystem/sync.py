"""Queueing case-system events in the transaction of the ticket change that causes them.

Every update the worker handles names the tickets it touched (`Handled.references`); `touched`
compares each one's event data with what was last queued for it (field hashes in `case_links`)
and queues `ticket.created`, `ticket.closed` or `ticket.updated` (naming the changed fields)
in the same savepoint. One code path sees every change, whichever effect made it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casesystem.payload import (
    CLOSED,
    CREATED,
    REPORTER_MESSAGE,
    UPDATED,
    changed_fields,
    envelope,
    fingerprint,
    ticket_data,
)
from bot.infra.crypto import Keys
from flows.domain.ticket import Ticket, TicketStatus
from storage.repos.case import events, links
from storage.repos.triage import tickets

log = logging.getLogger(__name__)

TO_REPORTER, FROM_REPORTER = "to_reporter", "from_reporter"


class CaseEvents:
    """Queues outbound events; does nothing when no case system is configured."""

    def __init__(self, keys: Keys, enabled: bool) -> None:
        self._keys = keys
        self.enabled = enabled

    async def touched(
        self, session: AsyncSession, references: Iterable[str], now: datetime
    ) -> None:
        """Queue what changed on each ticket named (the worker's hook after each update)."""
        if not self.enabled:
            return
        for reference in dict.fromkeys(references):
            await self.sync(session, reference, now)

    async def sync(self, session: AsyncSession, reference: str, now: datetime) -> str | None:
        """Queue the event `reference` needs now, if any; its type."""
        ticket = await tickets.get(session, reference)
        if ticket is None or not self.enabled:
            return None
        data = await ticket_data(session, ticket)
        prints = fingerprint(data)
        link = await links.get(session, reference)
        if link is None or link.sent_status is None:
            kind, changed = CREATED, []
        else:
            changed = changed_fields(link.fingerprint, prints)
            if not changed:
                return None
            closing = ticket.status is TicketStatus.CLOSED and link.sent_status != "closed"
            kind = CLOSED if closing else UPDATED
        await self._queue(session, ticket, kind, {**data, "changed": changed}, now)
        await links.remember(session, reference, prints, ticket.status.value)
        return kind

    async def absorb(self, session: AsyncSession, reference: str) -> None:
        """Take the ticket as it stands as known to the case system (it made the change)."""
        link = await links.get(session, reference)
        ticket = await tickets.get(session, reference)
        if ticket is None or link is None or link.sent_status is None:
            return  # never sent: the next sync sends `created` with all of it
        prints = fingerprint(await ticket_data(session, ticket))
        await links.remember(session, reference, prints, ticket.status.value)

    async def reporter_message(
        self, session: AsyncSession, reference: str, direction: str, text: str, now: datetime
    ) -> str | None:
        """Queue `ticket.reporter_message` (a message to or from an opted-in reporter).

        For the follow-up relay: `direction` is "to_reporter" (staff or the case system wrote)
        or "from_reporter". The text is the message only, never who sent it. Its webhook id.
        """
        if not self.enabled:
            return None
        ticket = await tickets.get(session, reference)
        if ticket is None:
            return None
        await self.sync(session, reference, now)  # `created` always goes first
        data = {"reference": reference, "direction": direction, "text": text, "at": _at(now)}
        return await self._queue(session, ticket, REPORTER_MESSAGE, data, now)

    async def _queue(
        self,
        session: AsyncSession,
        ticket: Ticket,
        kind: str,
        data: dict[str, Any],
        now: datetime,
    ) -> str:
        body = envelope(kind, now, data)
        webhook_id = await events.add(
            session,
            ticket_ref=ticket.reference,
            type=kind,
            ticket_status=ticket.status.value if kind != REPORTER_MESSAGE else None,
            sealed=self._keys.seal(body),
            now=now,
        )
        log.debug("ticket %s: case event %s queued (%s)", ticket.reference, kind, webhook_id)
        return webhook_id


def _at(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")
