"""Routing a ticket to people: who it went to when filed, and who it waits on as time passes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flows.domain.duty.roster import Duty
from flows.domain.duty.sla import Step, rank


@dataclass(frozen=True)
class Routing:
    """Where a ticket was routed and how far its escalation went (kept with the ticket)."""

    primary: int | None = None
    backup: int | None = None
    coordinators: tuple[int, ...] = ()  # named on the card when nobody was on duty
    unreachable: tuple[int, ...] = ()  # staff a private message could not reach (blocked, 403)
    step: Step | None = None  # the last SLA step taken
    digest: bool = False  # in a flood, the group got a digest line instead of a card

    @property
    def nobody_on_duty(self) -> bool:
        """Nobody was on duty when the ticket was filed: it went to the coordinators."""
        return self.primary is None

    def reachable(self, user_id: int | None) -> bool:
        """`user_id` is someone a private message did not fail to reach."""
        return user_id is not None and user_id not in self.unreachable

    def waiting_on(self, coordinators: Sequence[int]) -> tuple[int, ...]:
        """Who the ticket waits on now: the primary, then the backup, then the coordinators."""
        if rank(self.step) < rank(Step.BACKUP) and self.reachable(self.primary):
            return (self.primary,)  # type: ignore[return-value]  # reachable: not None
        if rank(self.step) < rank(Step.COORDINATORS) and self.reachable(self.backup):
            return (self.backup,)  # type: ignore[return-value]
        # The register as it is now; those named at filing if it has no coordinator left.
        return tuple(c for c in (tuple(coordinators) or self.coordinators) if self.reachable(c))

    def recipients(self, step: Step, coordinators: Sequence[int]) -> tuple[int, ...]:
        """Who gets a private message when `step` is taken (nobody: the whole group step)."""
        if step is Step.GROUP:
            return ()
        at = self.step if step is Step.REMIND else step  # a reminder goes to whoever holds it
        return replace(self, step=at).waiting_on(coordinators)


def route(duty: Duty, coordinators: Sequence[int]) -> Routing:
    """A new ticket goes to the primary on duty; with nobody on duty, to the coordinators."""
    if duty.primary is None:
        return Routing(None, duty.backup, tuple(coordinators))
    return Routing(duty.primary, duty.backup)


def routing_to_dict(routing: Routing) -> dict[str, Any]:
    """JSON-safe form for storage."""
    return {
        "primary": routing.primary,
        "backup": routing.backup,
        "coordinators": list(routing.coordinators),
        "unreachable": list(routing.unreachable),
        "step": routing.step.value if routing.step else None,
        "digest": routing.digest,
    }


def routing_from_dict(data: Mapping[str, Any] | None) -> Routing:
    """Rebuild what `routing_to_dict` stored (an empty routing for None)."""
    if not data:
        return Routing()
    step = data.get("step")
    return Routing(
        primary=data.get("primary"),
        backup=data.get("backup"),
        coordinators=tuple(data.get("coordinators") or ()),
        unreachable=tuple(data.get("unreachable") or ()),
        step=Step(step) if step else None,
        digest=bool(data.get("digest")),
    )
