"""The staff card as a Telegram message: rendered in the staff language, cut to fit."""

from __future__ import annotations

from datetime import tzinfo

from bot.telegram.limits import TEXT_LIMIT, visible_length
from bot.telegram.outgoing import Outgoing
from flows.domain.card import ticket_card
from flows.domain.catalog import Catalog
from flows.domain.report import STORY_LIMIT
from flows.domain.ticket import Ticket

CARD_LIMIT = TEXT_LIMIT  # Telegram's 4096 UTF-16 units; visible_length counts exactly that


def card_html(
    ticket: Ticket, catalog: Catalog, zone: tzinfo, outgoing: Outgoing, locale: str
) -> str:
    """The card as HTML, its story as long as the whole can be within Telegram's limit.

    Telegram counts UTF-16 units and the story is cut in characters (an emoji is one character
    but two units), so the longest story that fits is searched for, not computed.
    """

    def render(limit: int) -> str:
        return outgoing.render(ticket_card(ticket, catalog, zone, story_limit=limit), locale)

    full = render(STORY_LIMIT)
    if visible_length(full) <= CARD_LIMIT:
        return full
    fits, too_long = 0, min(STORY_LIMIT, len(ticket.report.story or ""))
    while too_long - fits > 1:  # the length only grows with the limit: bisect
        middle = (fits + too_long) // 2
        if visible_length(render(middle)) <= CARD_LIMIT:
            fits = middle
        else:
            too_long = middle
    return render(fits)
