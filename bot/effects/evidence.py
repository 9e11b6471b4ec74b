"""Queueing a ticket's evidence for the staff group: one outbox row per piece, after its card.

Each row is sent by bot/telegram/delivery/evidence.py, which fetches, hashes, cleans and
uploads the files. The rows go in an order of their own (the group's evidence lane) and after
the task force's other messages, so that evidence never holds up a card; they reply to the
ticket's card (in its topic where the group has topics) and wait until it is there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.telegram.delivery.evidence import CARD, EVIDENCE, evidence_lane
from bot.telegram.group import StaffGroup
from bot.telegram.outgoing import Outgoing
from flows.core import Msg
from flows.domain import evidence as texts
from flows.domain.evidence import Numbered, pieces
from flows.domain.ticket import Ticket
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.triage import evidence
from storage.repos.triage.evidence import row_key


class EvidenceQueue:
    """Builds the evidence rows of a ticket, in the caller's transaction."""

    def __init__(self, outgoing: Outgoing, group: StaffGroup, locale: str) -> None:
        self._out = outgoing
        self._group = group
        self._locale = locale

    async def rows(
        self, session: AsyncSession, ticket: Ticket, now: datetime, *, card: str, topic: str
    ) -> list[NewMessage]:
        """Rows for the ticket's attachments not passed on yet (`card` and `topic` are the
        tracked names of its card and forum topic)."""
        ref = ticket.reference
        new = await evidence.queue(session, ref, ticket.report.attachments, now)
        fill = {CARD: card}
        if self._group.is_forum:
            fill["message_thread_id"] = topic
        rows = []
        for piece in pieces(new):
            params = {"ref": ref, "items": [self._item(ref, n) for n in piece]}
            row = self._out.call(
                self._group.chat_id, EVIDENCE, params, ticket_ref=ref, fill=dict(fill)
            )
            rows.append(replace(row, chat_key=evidence_lane(row.chat_key)))
        return rows

    def _item(self, reference: str, numbered: Numbered) -> dict[str, Any]:
        """What the sender needs of one attachment, its staff texts rendered now."""
        a = numbered.attachment

        n = numbered.position

        def say(text: Msg) -> str:
            return self._out.render(text, self._locale, as_html=False)

        item: dict[str, Any] = {"position": numbered.position, "kind": a.kind}
        if a.kind == "location":
            return item | {"latitude": a.latitude, "longitude": a.longitude}
        return item | {
            "file_id": a.file_id,
            "mime_type": a.mime_type,
            "key": row_key(a),
            "caption": say(texts.caption(reference, n)),
            "not_fetched": say(texts.not_fetched(reference, n)),
            "not_cleaned": say(texts.not_cleaned(reference, n)),
        }
