"""The router picks a flow from where an event happened and who sent it."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.core import CommandEvent, Event, Place, Route, Router, Rule, TextEvent, Where

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _staff_command(event: Event) -> bool:
    return isinstance(event, CommandEvent) and event.command == "tiket"


ROUTER = Router(
    [
        Rule("triage", Place.STAFF_GROUP, staff_only=True),
        Rule("triage", Place.PRIVATE, staff_only=True, accepts=_staff_command),
        Rule("intake", Place.PRIVATE),
    ]
)


def test_private_chats_go_to_the_intake() -> None:
    assert ROUTER.route(Where(Place.PRIVATE), TextEvent(AT, "tolong")) == "intake"


def test_staff_commands_in_a_private_chat_go_to_triage_only_for_staff() -> None:
    command = CommandEvent(AT, "tiket")
    assert ROUTER.route(Where(Place.PRIVATE, sender_is_staff=True), command) == "triage"
    assert ROUTER.route(Where(Place.PRIVATE, sender_is_staff=False), command) == "intake"
    # Staff who write anything else privately are reporters like anyone else.
    assert ROUTER.route(Where(Place.PRIVATE, True), TextEvent(AT, "halo")) == "intake"


def test_strangers_in_the_staff_group_are_ignored_and_other_groups_left() -> None:
    assert ROUTER.route(Where(Place.STAFF_GROUP, False), CommandEvent(AT, "tiket")) == Route.IGNORE
    assert ROUTER.route(Where(Place.STAFF_GROUP, True), CommandEvent(AT, "tiket")) == "triage"
    assert ROUTER.route(Where(Place.OTHER_GROUP, True), CommandEvent(AT, "tiket")) == Route.LEAVE


def test_the_router_lists_the_flows_it_can_pick() -> None:
    assert ROUTER.flows == frozenset({"triage", "intake"})
