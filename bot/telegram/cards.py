"""The staff card as a Telegram message: rendered in the staff language, cut to fit."""

from __future__ import annotations

from datetime import tzinfo

from bot.telegram.limits import visible_length
from bot.telegram.outgoing import Outgoing
from flows.domain.card import ticket_card
from flows.domain.catalog import Catalog
from flows.domain.report import STORY_LIMIT
from flows.domain.ticket import Ticket

CARD_LIMIT = 4000  # Telegram takes 4096; the margin covers counting differences


def card_html(
    ticket: Ticket, catalog: Catalog, zone: tzinfo, outgoing: Outgoing, locale: str
) -> str:
    """The card as HTML, its story shortened until the whole fits Telegram's 4096."""
    limit = STORY_LIMIT
    while True:
        text = outgoing.render(ticket_card(ticket, catalog, zone, story_limit=limit), locale)
        excess = visible_length(text) - CARD_LIMIT
        if excess <= 0 or limit == 0:
            return text
        limit = max(limit - excess - 20, 0)
