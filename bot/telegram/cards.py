"""The staff card as a Telegram message: rendered in the staff language, cut to fit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from bot.telegram.limits import visible_length
from bot.telegram.outgoing import Outgoing
from flows.core import Text
from flows.domain.card import Staffing, ticket_card
from flows.domain.catalog import Catalog
from flows.domain.report import STORY_LIMIT
from flows.domain.ticket import Ticket

CARD_LIMIT = 4000  # Telegram takes 4096; the margin covers counting differences


def story_that_fits(render: Callable[[int], Text], outgoing: Outgoing, locale: str) -> int:
    """The longest story limit at which `render(limit)` fits a Telegram message."""
    limit = STORY_LIMIT
    while True:
        excess = visible_length(outgoing.render(render(limit), locale)) - CARD_LIMIT
        if excess <= 0 or limit == 0:
            return limit
        limit = max(limit - excess - 20, 0)


def card_html(
    ticket: Ticket,
    catalog: Catalog,
    zone: tzinfo,
    outgoing: Outgoing,
    locale: str,
    staff: Staffing | None = None,
) -> str:
    """The card as HTML, its story shortened until the whole fits Telegram's 4096."""
    limit = story_that_fits(
        lambda n: ticket_card(ticket, catalog, zone, story_limit=n, staff=staff), outgoing, locale
    )
    return outgoing.render(
        ticket_card(ticket, catalog, zone, story_limit=limit, staff=staff), locale
    )
