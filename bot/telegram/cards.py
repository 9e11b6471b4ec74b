"""Ticket cards and views as Telegram messages: rendered in the staff language, cut to fit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from bot.telegram.delivery.limits import TEXT_LIMIT, visible_length
from bot.telegram.outgoing import Outgoing
from flows.core import Text
from flows.domain.card import Staffing, ticket_card
from flows.domain.catalog import Catalog
from flows.domain.report import STORY_LIMIT
from flows.domain.ticket import Ticket

CARD_LIMIT = TEXT_LIMIT  # Telegram's 4096 UTF-16 units; visible_length counts exactly that


def story_that_fits(render: Callable[[int], Text], outgoing: Outgoing, locale: str) -> int:
    """The longest story limit at which `render(limit)` fits one Telegram message.

    Telegram counts UTF-16 units and the story is cut in characters (an emoji is one character
    but two units), so the longest story that fits is searched for, not computed.
    """

    def fits(limit: int) -> bool:
        return visible_length(outgoing.render(render(limit), locale)) <= CARD_LIMIT

    if fits(STORY_LIMIT):
        return STORY_LIMIT
    good, bad = 0, STORY_LIMIT
    while bad - good > 1:  # the length only grows with the limit: bisect
        middle = (good + bad) // 2
        if fits(middle):
            good = middle
        else:
            bad = middle
    return good


def card_html(
    ticket: Ticket,
    catalog: Catalog,
    zone: tzinfo,
    outgoing: Outgoing,
    locale: str,
    staff: Staffing | None = None,
) -> str:
    """The card as HTML, its story as long as the whole can be within Telegram's limit."""

    def render(limit: int) -> Text:
        return ticket_card(ticket, catalog, zone, story_limit=limit, staff=staff)

    return outgoing.render(render(story_that_fits(render, outgoing, locale)), locale)
