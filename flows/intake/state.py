"""The intake conversation's state (node, answers so far) and its versioned JSON form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flows.domain.report import PLACE_TEXT_LIMIT, STORY_LIMIT

STATE_VERSION = 1
CHILD_ROLE = "forum_anak"
PLACE_KINDS = ("kecamatan", "crossing", "sabah", "typed")

_ID = re.compile(r"[a-z0-9_]{1,24}")
_LOCALE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?")


class Node(StrEnum):
    """Where the conversation is: a question being asked, the review, or a resting point."""

    IDLE = "idle"
    DANGER = "danger"
    ROLE = "role"
    INDICATORS = "indicators"
    PLACE_KIND = "place_kind"
    PLACE_KECAMATAN = "place_kecamatan"
    PLACE_CROSSING = "place_crossing"
    PLACE_SABAH = "place_sabah"
    PLACE_TYPED = "place_typed"
    WHEN = "when"
    VICTIM_COUNT = "victim_count"
    VICTIM_AGE = "victim_age"
    STORY = "story"
    REVIEW = "review"
    SUBMITTING = "submitting"
    DONE = "done"


_NODE_VALUES = frozenset(n.value for n in Node)
# Nodes where a draft is in progress (every one shows a Stop button).
ACTIVE_NODES = frozenset(Node) - {Node.IDLE, Node.SUBMITTING, Node.DONE}
# The place list shown for each list kind.
PLACE_LIST_NODES = {
    "kecamatan": Node.PLACE_KECAMATAN,
    "crossing": Node.PLACE_CROSSING,
    "sabah": Node.PLACE_SABAH,
    "typed": Node.PLACE_TYPED,
}


@dataclass(frozen=True)
class Answers:
    """The answers given so far; None or () means not answered or skipped (mirrors `Report`)."""

    in_danger: bool | None = None
    reporter_role: str | None = None
    indicators: tuple[str, ...] = ()
    place_kind: str | None = None
    place: str | None = None
    place_text: str | None = None
    when: str | None = None
    victim_count: str | None = None
    victim_age: str | None = None
    story: str | None = None

    @property
    def child_path(self) -> bool:
        """The reporter is a forum anak child reporter: no free-text questions."""
        return self.reporter_role == CHILD_ROLE


@dataclass(frozen=True)
class IntakeState:
    """One reporter's conversation: node, answers, language.

    It never holds a ticket reference: stored under the reporter's key, that would link them
    to their ticket (DESIGN.md §3).
    """

    node: Node
    answers: Answers
    locale: str
    return_to_review: bool = False


def dump_state(state: IntakeState) -> dict[str, Any]:
    """The state as JSON-safe data, tagged with `STATE_VERSION`."""
    a = state.answers
    return {
        "v": STATE_VERSION,
        "node": state.node.value,
        "locale": state.locale,
        "review": state.return_to_review,
        "answers": {
            "in_danger": a.in_danger,
            "reporter_role": a.reporter_role,
            "indicators": list(a.indicators),
            "place_kind": a.place_kind,
            "place": a.place,
            "place_text": a.place_text,
            "when": a.when,
            "victim_count": a.victim_count,
            "victim_age": a.victim_age,
            "story": a.story,
        },
    }


class _Invalid(Exception):
    """Stored state that cannot be trusted."""


def _check(ok: bool) -> None:
    if not ok:
        raise _Invalid


def _opt_id(value: object) -> str | None:
    if value is None:
        return None
    _check(isinstance(value, str) and _ID.fullmatch(value) is not None)
    return str(value)


def _opt_text(value: object, limit: int) -> str | None:
    if value is None:
        return None
    _check(isinstance(value, str) and 0 < len(value) <= limit)
    return str(value)


def _answers(raw: Any) -> Answers:
    _check(isinstance(raw, Mapping))
    _check(set(raw) <= set(Answers.__dataclass_fields__))
    in_danger = raw.get("in_danger")
    _check(in_danger is None or isinstance(in_danger, bool))
    indicators = raw.get("indicators", [])
    _check(isinstance(indicators, list | tuple) and len(set(indicators)) == len(indicators))
    place_kind = raw.get("place_kind")
    _check(place_kind is None or place_kind in PLACE_KINDS)
    return Answers(
        in_danger=in_danger,
        reporter_role=_opt_id(raw.get("reporter_role")),
        indicators=tuple(str(_opt_id(i)) for i in indicators),
        place_kind=place_kind,
        place=_opt_id(raw.get("place")),
        place_text=_opt_text(raw.get("place_text"), PLACE_TEXT_LIMIT),
        when=_opt_id(raw.get("when")),
        victim_count=_opt_id(raw.get("victim_count")),
        victim_age=_opt_id(raw.get("victim_age")),
        story=_opt_text(raw.get("story"), STORY_LIMIT),
    )


def _state(data: Mapping[str, Any]) -> IntakeState:
    version = data.get("v")
    _check(type(version) is int and version == STATE_VERSION)
    node, locale = data.get("node"), data.get("locale")
    if not isinstance(node, str) or node not in _NODE_VALUES or not isinstance(locale, str):
        raise _Invalid
    _check(_LOCALE.fullmatch(locale) is not None)
    review = data.get("review", False)
    _check(isinstance(review, bool))
    _check(data.get("reference") is None)  # an older state that linked a reporter to a ticket
    answers = _answers(data.get("answers", {}))
    if answers.child_path:  # never hold a child's free text, never ask for it
        _check(answers.story is None and answers.place_text is None)
        _check(answers.place_kind != "typed" and node not in (Node.STORY, Node.PLACE_TYPED))
    return IntakeState(Node(node), answers, locale, review)


def load_state(data: Mapping[str, Any]) -> IntakeState | None:
    """The state saved by `dump_state`, or None for another version or malformed data."""
    if not isinstance(data, Mapping):
        return None
    try:
        return _state(data)
    except (_Invalid, TypeError, ValueError, KeyError, AttributeError):
        return None
