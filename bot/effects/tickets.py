"""Telling the task force about tickets: the card when one is filed, its edit when it changes.

Every flow that files or changes a ticket goes through `TicketAnnouncer`, so routing to the
person on duty, forum topics and flood digests have one place to live.
"""

from __future__ import annotations

from bot.effects.registry import EffectContext, EffectResult
from bot.infra.settings import Settings
from bot.telegram.cards import card_html
from bot.telegram.outgoing import Outgoing
from flows.domain.catalog import Catalog
from flows.domain.ticket import Ticket


def card_track(reference: str) -> str:
    """The name under which the id of a ticket's card in the staff group is kept."""
    return f"card:{reference}"


class TicketAnnouncer:
    """Queues the staff group's messages about a ticket in the caller's transaction."""

    def __init__(self, settings: Settings, catalog: Catalog, outgoing: Outgoing) -> None:
        if settings.STAFF_CHAT_ID is None:
            raise ValueError("STAFF_CHAT_ID is not set")
        self._settings = settings
        self._staff_chat_id = settings.STAFF_CHAT_ID
        self._catalog = catalog
        self._out = outgoing

    def _card(self, ticket: Ticket) -> dict[str, object]:
        locale = self._settings.DEFAULT_LOCALE
        return {
            "text": card_html(ticket, self._catalog, self._settings.zone, self._out, locale),
            "parse_mode": "HTML",
        }

    async def filed(self, ctx: EffectContext, ticket: Ticket) -> EffectResult:
        """A new ticket: its card, kept under `card_track` so that later changes edit it."""
        card = self._out.call(
            self._staff_chat_id,
            "sendMessage",
            {
                **self._card(ticket),
                "protect_content": True,  # no forwarding a victim's story out of the group
                "link_preview_options": {"is_disabled": True},
            },
            ticket_ref=ticket.reference,
            track=card_track(ticket.reference),
        )
        return EffectResult(messages=[card], references=[ticket.reference])

    async def changed(self, ctx: EffectContext, ticket: Ticket) -> EffectResult:
        """The ticket changed: edit its card in place (sent anew if the card is gone)."""
        edit = self._out.call(
            self._staff_chat_id,
            "editMessageText",
            {**self._card(ticket), "link_preview_options": {"is_disabled": True}},
            ticket_ref=ticket.reference,
            fill={"message_id": card_track(ticket.reference)},
        )
        return EffectResult(messages=[edit], references=[ticket.reference])
