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
    Plural,
    Raw,
    Reply,
    Text,
    TextEvent,
    Transition,
)
from flows.domain.catalog import Catalog, parse_catalog
from flows.intake import IntakeFlow, IntakeState, Node

CATALOG_PATH = Path(__file__).resolve().parents[2] / "flows" / "data" / "intake.toml"
AT = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)
BASE = ["/start", "1|dg|no", "1|ro|keluarga", "1|in|!done"]  # ends at place_kind
PATHS: dict[Node, list[str]] = {
    Node.DANGER: BASE[:1],
    Node.URGENT: ["/start", "1|dg|yes"],
    Node.ROLE: BASE[:2],
    Node.MY_AGE: ["/start", "1|dg|no", "1|ro|korban"],
    Node.INDICATORS: BASE[:3],
    Node.PLACE_KIND: BASE,
    Node.PLACE_KECAMATAN: [*BASE, "1|pk|kecamatan"],
    Node.PLACE_CROSSING: [*BASE, "1|pk|crossing"],
    Node.PLACE_SABAH: [*BASE, "1|pk|sabah"],
    Node.PLACE_TYPED: [*BASE, "1|pk|typed"],
    Node.WHEN: [*BASE, "1|pk|!skip"],
    Node.VICTIM_COUNT: [*BASE, "1|pk|!skip", "1|wh|today"],
    Node.VICTIM_AGE: [*BASE, "1|pk|!skip", "1|wh|today", "1|vc|one"],
    Node.STORY: [*BASE, "1|pk|!skip", "1|wh|today", "1|vc|one", "1|va|adult"],
    # (one indicator ticked: a report that says nothing asks before it is sent)
    Node.REVIEW: [
        *BASE[:3],
        "1|in|debt",
        "1|in|!done",
        "1|pk|!skip",
        "1|wh|today",
        "1|vc|one",
        "1|va|adult",
        "1|st|!skip",
    ],
}


def play(d: Driver, actions: list[str]) -> Driver:
    """Run actions: "/cmd" is a command, "1|..." a button press, anything else typed text."""
    for action in actions:
        if action.startswith("/"):
            d.command(action[1:])
        elif action.startswith("1|"):
            d.press(action)
        else:
            d.text(action)
    return d


def render(text: Text) -> str:
    """English rendering of a reply text (msgids as-is, params substituted, no escaping)."""
    if isinstance(text, Raw):
        return text.text
    if isinstance(text, Join):
        return text.sep.join(render(p) for p in text.parts)
    if isinstance(text, Plural):
        form = text.singular if text.n == 1 else text.plural
        return form.format(**{name: render(value) for name, value in text.params})
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
    return IntakeFlow(catalog, default_locale="id", locales=("id", "en", "ms"))


@pytest.fixture
def driver(flow: IntakeFlow) -> Callable[..., Driver]:
    """A factory: `driver()` for a new conversation, `driver(state)` to continue one."""
    return lambda state=None: Driver(flow, state)


@pytest.fixture
def rendered() -> Callable[[Text], str]:
    return render


@pytest.fixture
def at(driver: Callable[..., Driver]) -> Callable[[Node], Driver]:
    """`at(node)`: a driver whose conversation is at `node` (adult path)."""

    def make(node: Node) -> Driver:
        d = play(driver(), PATHS[node])
        assert d.state.node is node
        return d

    return make
