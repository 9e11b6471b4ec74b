"""The report a reporter submits: what was seen, with no identity."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

STORY_LIMIT = 3000  # keeps the staff card within Telegram's 4096 characters
PLACE_TEXT_LIMIT = 200
MAX_ATTACHMENTS = 20  # voice notes, photos, places... kept with one report

# Reporter roles and age bands that make the reporter a child (the child-safe path).
CHILD_ROLES = frozenset({"anak", "forum_anak"})
VICTIM_ROLE = "korban"  # "It happened to me": the age asked next is the reporter's own
CHILD_AGES = frozenset({"under_13", "13_17"})
COUNTRIES = ("indonesia", "malaysia")

# Media kinds kept for the report (stickers, polls, contact cards and the like are not).
KEPT_KINDS = frozenset({"photo", "voice", "audio", "video", "video_note", "document", "location"})
MIME_PATTERN = re.compile(r"[A-Za-z0-9.+_-]{1,64}/[A-Za-z0-9.+_-]{1,128}")
# The largest file a bot may download (getFile): anything bigger cannot be passed on.
DOWNLOAD_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    """A voice note, photo, file or place the reporter sent, passed on to the task force as
    evidence once the ticket's card is there (bot/telegram/delivery/evidence.py).

    `file_id` is Telegram's handle for downloading it (never logged); a location has
    coordinates instead. `size` and `mime_type` are what Telegram said about the file.
    """

    kind: str
    file_id: str | None = None
    file_unique_id: str | None = None
    media_group_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    size: int | None = None
    mime_type: str | None = None

    @property
    def key(self) -> str:
        """What identifies this piece of evidence on its ticket (never shown or logged)."""
        if self.kind == "location":
            return f"location:{self.latitude},{self.longitude}"
        return f"file:{self.file_unique_id or self.file_id}"


@dataclass(frozen=True)
class Report:
    """What a reporter told us, with no identity: option ids from the catalog, free text as typed.

    Every field may be empty because every question can be skipped.
    """

    submitted_at: datetime
    locale: str
    in_danger: bool | None = None
    now_in: str | None = None  # where the person in danger is now: "indonesia" | "malaysia"
    reporter_role: str | None = None  # catalog `roles` id, e.g. "keluarga", "forum_anak"
    indicators: tuple[str, ...] = ()  # catalog `indicators` ids
    place_kind: str | None = None  # "kecamatan" | "crossing" | "sabah" | "typed"
    place: str | None = None  # catalog place id, for the three list kinds
    place_text: str | None = None  # typed place, when place_kind == "typed"
    when: str | None = None  # catalog `when` id, e.g. "today", "this_week", "unknown"
    victim_count: str | None = None  # catalog `victim_counts` id, e.g. "one", "two_five"
    victim_age: str | None = None  # catalog `age_bands` id: "under_13", "13_17", "adult", "unknown"
    story: str | None = None
    attachments: tuple[Attachment, ...] = ()
    fast_lane: bool = False  # filed at once ("Send now") before the other questions
    added: tuple[str, ...] = ()  # fields the reporter answered after that first filing
    added_at: datetime | None = None  # when they last added something

    @property
    def child(self) -> bool:
        """A child is involved, by the age band given or by the `child` indicator."""
        return self.victim_age in CHILD_AGES or "child" in self.indicators

    @property
    def by_child(self) -> bool:
        """The reporter is a child: a child's role, or "it happened to me" and under 18."""
        return is_child_reporter(self.reporter_role, self.victim_age)

    @property
    def urgent(self) -> bool:
        """Someone is in danger right now."""
        return bool(self.in_danger)

    @property
    def in_malaysia(self) -> bool:
        """The person is in Malaysia now, or the place given is in Sabah."""
        return self.now_in == "malaysia" or (self.now_in is None and self.place_kind == "sabah")

    @property
    def low_information(self) -> bool:
        """Nothing to act on: no danger, nothing seen, no place, no words and nothing attached."""
        return not (
            self.in_danger or self.indicators or self.place_kind or self.story or self.attachments
        )


def clean_mime(value: str | None) -> str | None:
    """A media type as Telegram gives it, or None when it is not one (it is stored)."""
    return value.lower() if value and MIME_PATTERN.fullmatch(value) else None


def clean_size(value: int | None) -> int | None:
    """A file size in bytes, or None when it makes no sense."""
    return value if value is not None and 0 <= value < 2**53 else None


def is_child_reporter(role: str | None, age: str | None) -> bool:
    """A child's role, or the victim reporting themself with an age under 18."""
    return role in CHILD_ROLES or (role == VICTIM_ROLE and age in CHILD_AGES)


# Fields a reporter can add to after a fast-lane filing (what the staff card lists as added).
_ANSWER_FIELDS = (
    "in_danger",
    "now_in",
    "reporter_role",
    "indicators",
    "place_kind",
    "place",
    "place_text",
    "when",
    "victim_count",
    "victim_age",
    "story",
    "attachments",
)


def add_later(filed: Report, latest: Report, at: datetime) -> Report:
    """`filed` (already on a ticket) with the reporter's latest answers, marking what changed."""
    changed = [name for name in _ANSWER_FIELDS if getattr(filed, name) != getattr(latest, name)]
    if not changed:
        return filed
    added = tuple(dict.fromkeys((*filed.added, *changed)))
    values = {name: getattr(latest, name) for name in _ANSWER_FIELDS}
    return replace(filed, **values, added=added, added_at=at)


def report_to_dict(report: Report) -> dict[str, Any]:
    """A JSON-safe form of `report` for storage and webhooks."""
    data = asdict(report)
    data["submitted_at"] = report.submitted_at.isoformat()
    data["added_at"] = report.added_at.isoformat() if report.added_at else None
    data["indicators"] = list(report.indicators)
    data["added"] = list(report.added)
    data["attachments"] = [asdict(a) for a in report.attachments]
    return data


def _attachment(raw: Mapping[str, Any]) -> Attachment:
    known = {f.name for f in fields(Attachment)}
    return Attachment(**{k: v for k, v in raw.items() if k in known})


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """Rebuild a `Report` from `report_to_dict` output, ignoring keys it does not know."""
    known = {f.name for f in fields(Report)}
    values = {k: v for k, v in data.items() if k in known}
    values["submitted_at"] = datetime.fromisoformat(str(data["submitted_at"]))
    added_at = data.get("added_at")
    values["added_at"] = datetime.fromisoformat(str(added_at)) if added_at else None
    values["indicators"] = tuple(data.get("indicators") or ())
    values["added"] = tuple(data.get("added") or ())
    values["attachments"] = tuple(_attachment(a) for a in data.get("attachments") or ())
    return Report(**values)
