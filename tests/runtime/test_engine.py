"""The generic handler's contract with flows: every effect has exactly one handler, and an
effect nobody handles is an error (the update is retried, then parked), never dropped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.effects.registry import EffectContext, EffectRegistry, EffectResult, UnknownEffect
from bot.infra.crypto import Keys, new_data_key
from bot.infra.i18n import Translator
from bot.runtime.handler import UpdateHandler
from bot.telegram.outgoing import Outgoing
from flows.core import (
    Effect,
    Event,
    Place,
    Raw,
    Reply,
    Router,
    Rule,
    TextEvent,
    Transition,
)
from storage.db import Database

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Ping(Effect):
    pass


@dataclass(frozen=True)
class Undeclared(Effect):
    pass


@dataclass(frozen=True)
class Pong(Event):
    count: int


class EchoFlow:
    """A flow that counts texts and asks for a Ping on each; Pong answers come back in."""

    name = "echo"
    effects = frozenset({Ping})

    def __init__(self, emit: Effect | None = None) -> None:
        self._emit = emit or Ping()

    def locale(self, state: int) -> str:
        return "en"

    def step(self, state: int | None, event: Event) -> Transition[int]:
        count = state or 0
        if isinstance(event, Pong):
            return Transition(count + 100, (Reply(Raw(f"pong {event.count}")),))
        if isinstance(event, TextEvent):
            return Transition(count + 1, (), (self._emit,))
        return Transition(count)

    def dump(self, state: int) -> dict[str, Any]:
        return {"v": 1, "count": state}

    def load(self, data: Mapping[str, Any]) -> int | None:
        return int(data["count"]) if data.get("v") == 1 else None


def _update(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": 4242, "is_bot": False, "first_name": "A"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "from": user,
            "text": text,
            "chat": {"id": 4242, "type": "private", "first_name": "A"},
        },
    }


def _handler(flow: EchoFlow, registry: EffectRegistry) -> UpdateHandler:
    keys = Keys(new_data_key())
    return UpdateHandler(
        keys=keys,
        router=Router([Rule("echo", Place.PRIVATE)]),
        flows={"echo": flow},
        effects=registry,
        outgoing=Outgoing(keys, Translator()),
        staff_chat_id=-100,
        default_locale="en",
    )


def test_a_flow_whose_effect_has_no_handler_cannot_be_wired() -> None:
    with pytest.raises(UnknownEffect, match="Ping"):
        _handler(EchoFlow(), EffectRegistry())


def test_an_effect_type_gets_exactly_one_handler() -> None:
    registry = EffectRegistry()

    async def handle(ctx: EffectContext, effect: Ping) -> EffectResult:
        return EffectResult()

    registry.register(Ping, handle)
    with pytest.raises(Exception, match="already has a handler"):
        registry.register(Ping, handle)


async def test_effects_answer_with_events_and_unknown_effects_fail_the_update(
    database_url: str,
) -> None:
    registry = EffectRegistry()

    async def ping(ctx: EffectContext, effect: Ping) -> EffectResult:
        return EffectResult(events=[Pong(ctx.now, 7)], references=["TPPO-000000"])

    registry.register(Ping, ping)
    db = Database(database_url, sealer=Keys(new_data_key()))
    try:
        async with db.transaction() as session:
            handled = await _handler(EchoFlow(), registry).handle(session, _update(1, "hi"), AT)
        texts = [m.method for m in handled.messages]
        assert texts == ["sendMessage"] and handled.references == ["TPPO-000000"]
        with pytest.raises(UnknownEffect, match="Undeclared"):
            async with db.transaction() as session:
                await _handler(EchoFlow(Undeclared()), registry).handle(
                    session, _update(2, "hi"), AT
                )
    finally:
        await db.dispose()
