"""The intake conversation's state (node, answers so far) and its versioned JSON form."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flows.domain.report import (
    COUNTRIES,
    KEPT_KINDS,
    MAX_ATTACHMENTS,
    MIME_PATTERN,
    PLACE_TEXT_LIMIT,
    STORY_LIMIT,
    Attachment,
    Report,
    is_child_reporter,
)
from flows.intake.followup.pending import Pending, dump_pending, load_pending

STATE_VERSION = 2
PLACE_KINDS = ("kecamatan", "crossing", "sabah", "typed")
# How long answers may still be added to an urgent ticket filed by the fast lane. After that
# the conversation lets go of the ticket's reference (and closes the draft).
LINK_WINDOW = timedelta(hours=24)

_ID = re.compile(r"[a-z0-9_]{1,24}")
_LOCALE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?")
_REFERENCE = re.compile(r"TPPO-[0-9A-HJKMNP-TV-Z]{6}")
_FILE_ID = re.compile(r"[A-Za-z0-9_-]{1,256}")
_GROUP_ID = re.compile(r"[0-9]{1,40}")


class Node(StrEnum):
    """Where the conversation is: a question being asked, the review, or a resting point."""

    IDLE = "idle"
    DANGER = "danger"
    URGENT = "urgent"  # the fast lane: help numbers, where, and "Send now"
    ROLE = "role"
    MY_AGE = "my_age"  # asked of someone it happened to: a child takes the child path
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
# Nodes that ask for typed text (never asked of a child).
FREE_TEXT_NODES = frozenset({Node.STORY, Node.PLACE_TYPED})
# The place list shown for each list kind.
PLACE_LIST_NODES = {
    "kecamatan": Node.PLACE_KECAMATAN,
    "crossing": Node.PLACE_CROSSING,
    "sabah": Node.PLACE_SABAH,
    "typed": Node.PLACE_TYPED,
}


@dataclass(frozen=True)
class Answers:
    """The answers given so far; None or () means not answered (mirrors `Report`)."""

    in_danger: bool | None = None
    now_in: str | None = None
    reporter_role: str | None = None
    indicators: tuple[str, ...] = ()
    place_kind: str | None = None
    place: str | None = None
    place_text: str | None = None
    when: str | None = None
    victim_count: str | None = None
    victim_age: str | None = None
    story: str | None = None
    attachments: tuple[Attachment, ...] = ()
    followup: bool = False  # the reporter allows the task force to write to this chat

    @property
    def child_path(self) -> bool:
        """The reporter is a child: simpler words, a child's list, no free-text questions."""
        return is_child_reporter(self.reporter_role, self.victim_age)

    def report(self, at: datetime, locale: str, *, fast_lane: bool = False) -> Report:
        """The report these answers make, submitted at `at`."""
        return Report(
            submitted_at=at,
            locale=locale,
            in_danger=self.in_danger,
            now_in=self.now_in,
            reporter_role=self.reporter_role,
            indicators=self.indicators,
            place_kind=self.place_kind,
            place=self.place,
            place_text=self.place_text,
            when=self.when,
            victim_count=self.victim_count,
            victim_age=self.victim_age,
            story=self.story,
            attachments=self.attachments,
            fast_lane=fast_lane,
        )


@dataclass(frozen=True)
class IntakeState:
    """One reporter's conversation: node, answers, language.

    `linked` is the one exception to "no ticket reference under the reporter's key": the urgent
    ticket the fast lane filed, so that later answers reach that ticket and not a new one. It
    lives only while the report is in progress (at most `LINK_WINDOW` after `linked_at`): Send,
    Stop, /hapus and the window's end all drop it, and the DONE state never holds it.

    `pending` is the other short-lived reference: a ticket the reporter proved to hold (by its
    receipt, or as its follow-up contact) and may add one message to, for `PENDING_WINDOW`.
    """

    node: Node
    answers: Answers
    locale: str
    return_to_review: bool = False
    linked: str | None = None
    linked_at: datetime | None = None
    pending: Pending | None = None

    def link_expired(self, now: datetime) -> bool:
        """The fast-lane link is older than `LINK_WINDOW`."""
        return self.linked_at is not None and now - self.linked_at > LINK_WINDOW


def _attachment_data(a: Attachment) -> dict[str, Any]:
    data = {
        "kind": a.kind,
        "file_id": a.file_id,
        "file_unique_id": a.file_unique_id,
        "media_group_id": a.media_group_id,
        "latitude": a.latitude,
        "longitude": a.longitude,
        "size": a.size,
        "mime_type": a.mime_type,
    }
    return {k: v for k, v in data.items() if v is not None}


def dump_state(state: IntakeState) -> dict[str, Any]:
    """The state as JSON-safe data, tagged with `STATE_VERSION`."""
    a = state.answers
    data: dict[str, Any] = {
        "v": STATE_VERSION,
        "node": state.node.value,
        "locale": state.locale,
        "review": state.return_to_review,
        "answers": {
            "in_danger": a.in_danger,
            "now_in": a.now_in,
            "reporter_role": a.reporter_role,
            "indicators": list(a.indicators),
            "place_kind": a.place_kind,
            "place": a.place,
            "place_text": a.place_text,
            "when": a.when,
            "victim_count": a.victim_count,
            "victim_age": a.victim_age,
            "story": a.story,
            "attachments": [_attachment_data(x) for x in a.attachments],
            "followup": a.followup,
        },
    }
    if state.linked is not None and state.linked_at is not None:
        data["linked"] = {"reference": state.linked, "at": state.linked_at.isoformat()}
    if state.pending is not None:
        data["pending"] = dump_pending(state.pending)
    return data


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


def _opt_match(value: object, pattern: re.Pattern[str]) -> str | None:
    if value is None:
        return None
    _check(isinstance(value, str) and pattern.fullmatch(value) is not None)
    return str(value)


def _coordinate(value: object, bound: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid
    number = float(value)
    _check(math.isfinite(number) and abs(number) <= bound)
    return number


_ATTACHMENT_KEYS = frozenset(
    {"kind", "file_id", "file_unique_id", "media_group_id", "latitude", "longitude"}
    | {"size", "mime_type"}
)


def _attachment(raw: Any) -> Attachment:
    _check(isinstance(raw, Mapping) and raw.get("kind") in KEPT_KINDS)
    _check(set(raw) <= _ATTACHMENT_KEYS)
    size = raw.get("size")
    _check(size is None or (type(size) is int and 0 <= size < 2**53))
    kept = Attachment(
        kind=raw["kind"],
        file_id=_opt_match(raw.get("file_id"), _FILE_ID),
        file_unique_id=_opt_match(raw.get("file_unique_id"), _FILE_ID),
        media_group_id=_opt_match(raw.get("media_group_id"), _GROUP_ID),
        latitude=_coordinate(raw.get("latitude"), 90),
        longitude=_coordinate(raw.get("longitude"), 180),
        size=size,
        mime_type=_opt_match(raw.get("mime_type"), MIME_PATTERN),
    )
    located = kept.latitude is not None and kept.longitude is not None
    _check(located if kept.kind == "location" else kept.file_id is not None)
    return kept


def _answers(raw: Any) -> Answers:
    _check(isinstance(raw, Mapping))
    _check(set(raw) <= set(Answers.__dataclass_fields__))
    in_danger = raw.get("in_danger")
    _check(in_danger is None or isinstance(in_danger, bool))
    _check(raw.get("now_in") in (None, *COUNTRIES))
    indicators = raw.get("indicators", [])
    _check(isinstance(indicators, list | tuple) and len(set(indicators)) == len(indicators))
    attachments = raw.get("attachments", [])
    _check(isinstance(attachments, list | tuple) and len(attachments) <= MAX_ATTACHMENTS)
    place_kind = raw.get("place_kind")
    _check(place_kind is None or place_kind in PLACE_KINDS)
    followup = raw.get("followup", False)
    _check(isinstance(followup, bool))
    return Answers(
        in_danger=in_danger,
        now_in=raw.get("now_in"),
        reporter_role=_opt_id(raw.get("reporter_role")),
        indicators=tuple(str(_opt_id(i)) for i in indicators),
        place_kind=place_kind,
        place=_opt_id(raw.get("place")),
        place_text=_opt_text(raw.get("place_text"), PLACE_TEXT_LIMIT),
        when=_opt_id(raw.get("when")),
        victim_count=_opt_id(raw.get("victim_count")),
        victim_age=_opt_id(raw.get("victim_age")),
        story=_opt_text(raw.get("story"), STORY_LIMIT),
        attachments=tuple(_attachment(x) for x in attachments),
        followup=followup,
    )


def _link(raw: object) -> tuple[str | None, datetime | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping) or set(raw) != {"reference", "at"}:
        raise _Invalid
    reference = _opt_match(raw["reference"], _REFERENCE)
    at = datetime.fromisoformat(str(raw["at"]))
    _check(at.tzinfo is not None)
    return reference, at


def _state(data: Mapping[str, Any]) -> IntakeState:
    version = data.get("v")
    # Version 1 held the same answers, minus those added since: it reads as version 2.
    _check(type(version) is int and version in (1, STATE_VERSION))
    node, locale = data.get("node"), data.get("locale")
    if not isinstance(node, str) or node not in _NODE_VALUES or not isinstance(locale, str):
        raise _Invalid
    _check(_LOCALE.fullmatch(locale) is not None)
    review = data.get("review", False)
    _check(isinstance(review, bool))
    _check(data.get("reference") is None)  # an old state that linked a reporter to a ticket
    answers = _answers(data.get("answers", {}))
    linked, linked_at = _link(data.get("linked"))
    # A child is never asked for typed text; no finished conversation holds a reference.
    _check(not (answers.child_path and Node(node) in FREE_TEXT_NODES))
    _check(linked is None or Node(node) in ACTIVE_NODES or Node(node) is Node.SUBMITTING)
    pending = load_pending(data.get("pending"))
    return IntakeState(Node(node), answers, locale, review, linked, linked_at, pending)


def load_state(data: Mapping[str, Any]) -> IntakeState | None:
    """The state saved by `dump_state` (or by version 1), or None for anything untrustworthy."""
    if not isinstance(data, Mapping):
        return None
    try:
        return _state(data)
    except (_Invalid, TypeError, ValueError, KeyError, AttributeError):
        return None
