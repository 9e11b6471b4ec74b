"""Telling the task force about tickets (`TicketAnnouncer`) and the names it leaves for later
(tracked message ids, timer kinds and keys, in `keys`)."""

from bot.effects.tickets.announcer import TicketAnnouncer
from bot.effects.tickets.keys import (
    CARD_BUDGET,
    DIGEST_TIMER,
    DM_FAILED,
    DM_LINK_TIMER,
    DM_LINK_TRIES,
    SLA_TIMER,
    WINDOW,
    card_track,
    digest_timer,
    dm_track,
    parse_dm_track,
    sla_keys,
    sla_timer,
    topic_track,
)

__all__ = [
    "CARD_BUDGET",
    "DIGEST_TIMER",
    "DM_FAILED",
    "DM_LINK_TIMER",
    "DM_LINK_TRIES",
    "SLA_TIMER",
    "WINDOW",
    "TicketAnnouncer",
    "card_track",
    "digest_timer",
    "dm_track",
    "parse_dm_track",
    "sla_keys",
    "sla_timer",
    "topic_track",
]
