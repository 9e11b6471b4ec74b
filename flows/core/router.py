"""Which flow an event belongs to, from where it happened and who sent it (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from flows.core.events import Event


class Place(StrEnum):
    """Where an event happened, as far as routing cares."""

    PRIVATE = "private"  # a one-to-one chat with the bot
    STAFF_GROUP = "staff_group"  # the task force's own group
    OTHER_GROUP = "other_group"  # any other group or channel: the bot does not stay there


class Route(StrEnum):
    """What the adapter does with an event that is not for a flow."""

    LEAVE = "!leave"  # leave the chat: the bot only lives in private chats and the staff group
    IGNORE = "!ignore"  # nothing to do


@dataclass(frozen=True)
class Where:
    """The routing facts of one event: the place, and whether the sender is registered staff."""

    place: Place
    sender_is_staff: bool = False


@dataclass(frozen=True)
class Rule:
    """Send events matching `place` (and `staff_only`, and `accepts`) to the flow `flow`."""

    flow: str
    place: Place
    staff_only: bool = False
    accepts: Callable[[Event], bool] = lambda _event: True


class Router:
    """Picks a flow by the first matching rule; other groups are left, the rest ignored."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def route(self, where: Where, event: Event) -> str:
        """A flow name, or a `Route` value."""
        for rule in self.rules:
            if rule.place is not where.place or (rule.staff_only and not where.sender_is_staff):
                continue
            if rule.accepts(event):
                return rule.flow
        return Route.LEAVE if where.place is Place.OTHER_GROUP else Route.IGNORE

    def cares_who(self, place: Place, event: Event) -> bool:
        """Whether the sender's being staff could change where this event goes (when it cannot,
        the adapter need not look them up: a reporter's update costs no register lookup)."""
        return self.route(Where(place, True), event) != self.route(Where(place, False), event)

    @property
    def flows(self) -> frozenset[str]:
        """Every flow name a rule can pick."""
        return frozenset(rule.flow for rule in self.rules)
