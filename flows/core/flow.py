"""The engine's contract: every flow is a pure step function over its own state.

Modelled on nyaruka/goflow: events in; a new state, replies and effects out. The adapter runs
one handler per effect; a handler may answer with further events (e.g. the reference of the
ticket it filed), which are stepped into the same flow in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from flows.core.events import Event
from flows.core.replies import Reply


@dataclass(frozen=True)
class Effect:
    """Something the adapter must do besides replying."""


S = TypeVar("S")


@dataclass(frozen=True)
class Transition(Generic[S]):
    """The result of one step: the new state, replies to this chat, effects for the adapter."""

    state: S
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = field(default=())


class Flow(Protocol[S]):
    """A conversation the engine can run: a name, a state codec and a pure `step`."""

    @property
    def name(self) -> str:
        """Stable name: conversation state is stored per (flow name, chat key)."""
        ...

    @property
    def effects(self) -> frozenset[type[Effect]]:
        """Every effect type `step` may emit; the adapter checks it has a handler for each."""
        ...

    def locale(self, state: S) -> str:
        """The language replies to this conversation are rendered in."""
        ...

    def step(self, state: S | None, event: Event) -> Transition[S]:
        """Handle one event; `None` is a new conversation. Bad input is a transition."""
        ...

    def dump(self, state: S) -> dict[str, Any]:
        """The state as JSON-safe data, tagged with its version."""
        ...

    def load(self, data: Mapping[str, Any]) -> S | None:
        """The state saved by `dump`, or None (a fresh conversation) when it cannot be trusted."""
        ...
