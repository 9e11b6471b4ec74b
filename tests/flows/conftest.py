"""Fixtures for the pure intake-flow tests: the real catalog, a flow, and a conversation driver."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.core import (
    Button,
    ButtonEvent,
    CommandEvent,
    Event,
    Join,
    MediaEvent,
    Msg,
    Raw,
    Reply,
    Text,
    TextEvent,
    Transition,
)
from flows.domain.catalog import Catalog, parse_catalog
from flows.intake import IntakeFlow, IntakeState

CATALOG_PATH = Path(__file__).resolve().parents[2] / "flows" / "data" / "intake.toml"
AT = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)


def render(text: Text) -> str:
    """English rendering of a reply text (msgids as-is, params substituted, no escaping)."""
    if isinstance(text, Raw):
        return text.text
    if isinstance(text, Join):
        return text.sep.join(render(p) for p in text.parts)
    assert isinstance(text, Msg)
    return text.msgid.format(**{name: render(value) for name, value in text.params})


class Driver:
    """Feeds events to a flow, keeping the state like the adapter would."""

    def __init__(self, flow: IntakeFlow, state: IntakeState | None = None) -> None:
        self.flow = flow
        self.state = state
        self.last: Transition[IntakeState] = Transition(state)  # type: ignore[arg-type]

    def send(self, event: Event) -> Transition[IntakeState]:
        self.last = self.flow.step(self.state, event)
        self.state = self.last.state
        return self.last

    def text(self, text: str) -> Transition[IntakeState]:
        return self.send(TextEvent(AT, text))

    def press(self, data: str) -> Transition[IntakeState]:
        return self.send(ButtonEvent(AT, data))

    def command(self, command: str, args: str = "") -> Transition[IntakeState]:
        return self.send(CommandEvent(AT, command, args))

    def media(self, kind: str) -> Transition[IntakeState]:
        return self.send(MediaEvent(AT, kind))

    @property
    def replies(self) -> tuple[Reply, ...]:
        return self.last.replies

    @property
    def said(self) -> str:
        """All reply texts of the last step, rendered in English."""
        return "\n----\n".join(render(r.text) for r in self.replies)

    @property
    def buttons(self) -> list[Button]:
        """The buttons of the last reply."""
        return [b for row in self.replies[-1].keyboard for b in row] if self.replies else []

    @property
    def data(self) -> list[str]:
        return [b.data for b in self.buttons]

    @property
    def labels(self) -> list[str]:
        return [render(b.label) for b in self.buttons]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    with CATALOG_PATH.open("rb") as f:
        return parse_catalog(tomllib.load(f))


@pytest.fixture
def flow(catalog: Catalog) -> IntakeFlow:
    return IntakeFlow(catalog, default_locale="id", locales=("id", "en"))


@pytest.fixture
def driver(flow: IntakeFlow) -> Callable[..., Driver]:
    """A factory: `driver()` for a new conversation, `driver(state)` to continue one."""
    return lambda state=None: Driver(flow, state)


@pytest.fixture
def rendered() -> Callable[[Text], str]:
    return render
