"""One handler per effect: the registry the generic handler runs flow effects through.

A flow declares the effect types it may emit (`Flow.effects`); `check` at start-up fails if any
has no handler, and `run` raises `UnknownEffect` for an effect nobody registered: an effect is
never silently dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import BotError
from bot.telegram.updates import Inbound
from flows.core import Effect, Event, Flow
from storage.repos.outbox import NewMessage
from storage.repos.timers import NewTimer


class UnknownEffect(BotError):
    """A flow emitted an effect that no handler is registered for (a programming error)."""


@dataclass(frozen=True)
class EffectContext:
    """What one effect handler may use: the transaction, the time, and who the event came from.

    `key` is the HMAC pseudonym of the person who acted; `inbound` holds their reply address
    and must never be written anywhere but the sealed outbox.
    """

    session: AsyncSession
    now: datetime
    inbound: Inbound
    key: str
    locale: str


@dataclass
class EffectResult:
    """What a handler did: calls to send, timers to set, events to step back into the flow."""

    messages: list[NewMessage] = field(default_factory=list)
    timers: list[NewTimer] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # tickets touched, for the log
    drop_state: bool = False  # delete the conversation instead of saving the new state


E = TypeVar("E", bound=Effect)
Handler = Callable[[EffectContext, Any], Awaitable[EffectResult]]


class EffectRegistry:
    """Maps each effect type to exactly one handler."""

    def __init__(self) -> None:
        self._handlers: dict[type[Effect], Handler] = {}

    def register(
        self, effect: type[E], handler: Callable[[EffectContext, E], Awaitable[EffectResult]]
    ) -> None:
        """Handle `effect` with `handler`; registering a type twice is a programming error."""
        if effect in self._handlers:
            raise BotError(f"{effect.__name__} already has a handler")
        self._handlers[effect] = handler

    def check(self, flows: Iterable[Flow[Any]]) -> None:
        """Raise `UnknownEffect` when a flow may emit an effect with no handler."""
        for flow in flows:
            missing = sorted(e.__name__ for e in flow.effects if e not in self._handlers)
            if missing:
                raise UnknownEffect(f"flow {flow.name} emits {', '.join(missing)} with no handler")

    async def run(self, ctx: EffectContext, effect: Effect) -> EffectResult:
        """Carry out `effect`."""
        handler = self._handlers.get(type(effect))
        if handler is None:
            raise UnknownEffect(f"no handler for {type(effect).__name__}")
        return await handler(ctx, effect)
