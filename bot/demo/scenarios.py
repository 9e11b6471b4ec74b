"""Scenarios: scripted reporters, played through the stand-in like people on the page.

The scripts are data (`scenarios.toml`, which explains the format); this module loads them and
plays them. A simulated reporter waits for the bot to finish answering before it acts again,
chooses buttons by their stable callback values, and stops once it is given a ticket reference.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.demo.standin.world import Chat
from bot.errors import BotError
from flows.domain.ticket import REFERENCE_PATTERN

BOOK = Path(__file__).with_name("scenarios.toml")
REFERENCE = re.compile(REFERENCE_PATTERN)
MAX_TURNS = 60
_MATCHERS = ("value", "data", "label")


class ScenarioError(BotError):
    """A scenario is malformed, or a simulated reporter could not finish."""


@dataclass(frozen=True)
class Step:
    """One thing a simulated reporter does (see scenarios.toml)."""

    send: str | None = None
    press: str | None = None
    optional: bool = False
    type: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A scripted report, or `copies` of the scenarios named in `plays`."""

    id: str
    title: dict[str, str]
    reporter: str
    language: str = "id"
    script: tuple[Step, ...] = ()
    answers: tuple[Step, ...] = ()
    copies: int = 1
    plays: tuple[str, ...] = ()


@dataclass(frozen=True)
class Book:
    """Every scenario, and how to move on when no answer fits."""

    scenarios: dict[str, Scenario]
    advance: tuple[str, ...]
    avoid: tuple[str, ...]


def _matcher(rule: str) -> str:
    if rule.partition(":")[0] not in _MATCHERS or not rule.partition(":")[2]:
        raise ScenarioError(f"unknown button matcher {rule!r} (use value:, data: or label:)")
    return rule


def _step(raw: dict[str, Any]) -> Step:
    step = Step(**raw)
    for rule in (step.press, step.when):
        if rule is not None:
            _matcher(rule)
    if sum(x is not None for x in (step.send, step.press, step.type)) != 1:
        raise ScenarioError(f"a step does exactly one of send, press or type: {raw}")
    return step


def load_book(path: Path = BOOK) -> Book:
    """Read and check the scenarios."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    scenarios = {}
    for raw in data.get("scenario", []):
        scenario = Scenario(
            id=raw["id"],
            title=dict(raw["title"]),
            reporter=raw["reporter"],
            language=raw.get("language", "id"),
            script=tuple(_step(s) for s in raw.get("script", [])),
            answers=tuple(_step(s) for s in raw.get("answers", [])),
            copies=int(raw.get("copies", 1)),
            plays=tuple(raw.get("plays", ())),
        )
        scenarios[scenario.id] = scenario
    for scenario in scenarios.values():
        if unknown := [p for p in scenario.plays if p not in scenarios or scenarios[p].plays]:
            raise ScenarioError(f"{scenario.id} plays unknown or nested scenarios {unknown}")
    defaults = data.get("defaults", {})
    return Book(
        scenarios,
        tuple(_matcher(r) for r in defaults.get("advance", [])),
        tuple(_matcher(r) for r in defaults.get("avoid", [])),
    )


def matches(rule: str, button: dict[str, Any]) -> bool:
    """True when `button` (an inline or reply keyboard button) fits `rule`."""
    kind, _, wanted = rule.partition(":")
    data = button.get("callback_data")
    if kind == "value":
        return isinstance(data, str) and data.rsplit("|", 1)[-1] == wanted
    if kind == "data":
        return isinstance(data, str) and data.startswith(wanted)
    return wanted.casefold() in str(button.get("text", "")).casefold()


@dataclass
class Played:
    """What a scenario run achieved: the references given, and what went wrong."""

    scenario: str
    references: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Screen:
    """What the simulated reporter sees: the newest question's buttons, any reference given."""

    message_id: int | None
    buttons: list[dict[str, Any]]
    reference: str | None


def screen(chat: Chat, first_id: int) -> Screen:
    """What a reporter sees in `chat` from message `first_id` on: the newest question's buttons
    (none when the bot's newest word is a reference with no question after it)."""
    reference, keyboard = None, None
    for message_id in sorted(chat.messages, reverse=True):
        message = chat.live(message_id)
        if message_id < first_id or message is None or not chat.meta[message_id]["from_bot"]:
            continue
        if keyboard is None and reference is None and message.get("reply_markup"):
            keyboard = message
        found = REFERENCE.search(f"{message.get('text', '')} {message.get('caption', '')}")
        reference = reference or (found.group() if found else None)
    buttons = [
        b
        for row in (keyboard or {}).get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]
    typed = (chat.reply_keyboard or {}).get("keyboard", [])
    buttons += [
        {"text": b if isinstance(b, str) else b.get("text", ""), "reply": True}
        for row in typed
        for b in row
    ]
    return Screen(keyboard["message_id"] if keyboard else None, buttons, reference)


@dataclass(frozen=True)
class Choice:
    """What a simulated reporter does next: press `button`, or type `text`."""

    button: dict[str, Any] | None = None
    text: str | None = None
    answer: int | None = None  # the entry of `answers` this uses up


def choose(
    book: Book,
    scenario: Scenario,
    used: list[bool],
    buttons: list[dict[str, Any]],
    *,
    any_button: bool,
) -> Choice | None:
    """The next move on screen: an unused answer that fits, else an `advance` button, else (with
    `any_button`) the first button that is not to be avoided; None when there is nothing to do.
    """
    for n, answer in enumerate(scenario.answers):
        rule = answer.press or answer.when or ""
        button = None if used[n] else next((b for b in buttons if matches(rule, b)), None)
        if button is not None:
            return (
                Choice(text=answer.type, answer=n)
                if answer.type is not None
                else Choice(button, answer=n)
            )
    allowed = [b for b in buttons if not any(matches(r, b) for r in book.avoid)]
    for rule in book.advance:
        if button := next((b for b in allowed if matches(rule, b)), None):
            return Choice(button)
    return Choice(allowed[0]) if allowed and any_button else None
