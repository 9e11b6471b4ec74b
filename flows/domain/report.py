"""The finished report a reporter submits: what was seen, with no identity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

STORY_LIMIT = 3000  # keeps the staff card within Telegram's 4096 characters
PLACE_TEXT_LIMIT = 200


@dataclass(frozen=True)
class Report:
    """What a reporter told us, with no identity: option ids from the catalog, free text as typed.

    Every field may be empty because every question can be skipped.
    """

    submitted_at: datetime
    locale: str
    in_danger: bool | None = None
    reporter_role: str | None = None  # catalog `roles` id, e.g. "keluarga", "forum_anak"
    indicators: tuple[str, ...] = ()  # catalog `indicators` ids
    place_kind: str | None = None  # "kecamatan" | "crossing" | "sabah" | "typed"
    place: str | None = None  # catalog place id, for the three list kinds
    place_text: str | None = None  # typed place, when place_kind == "typed"
    when: str | None = None  # catalog `when` id, e.g. "today", "this_week", "unknown"
    victim_count: str | None = None  # catalog `victim_counts` id, e.g. "one", "two_five"
    victim_age: str | None = None  # catalog `age_bands` id: "under_13", "13_17", "adult", "unknown"
    story: str | None = None

    @property
    def child(self) -> bool:
        """A child is involved, by the age band given or by the `child` indicator."""
        return self.victim_age in {"under_13", "13_17"} or "child" in self.indicators

    @property
    def urgent(self) -> bool:
        """Someone is in danger right now."""
        return bool(self.in_danger)

    @property
    def in_malaysia(self) -> bool:
        """The place given is in Sabah."""
        return self.place_kind == "sabah"


def report_to_dict(report: Report) -> dict[str, Any]:
    """A JSON-safe form of `report` for storage and webhooks."""
    data = asdict(report)
    data["submitted_at"] = report.submitted_at.isoformat()
    data["indicators"] = list(report.indicators)
    return data


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """Rebuild a `Report` from `report_to_dict` output, ignoring keys it does not know."""
    known = {f.name for f in fields(Report)}
    values = {k: v for k, v in data.items() if k in known}
    values["submitted_at"] = datetime.fromisoformat(str(data["submitted_at"]))
    values["indicators"] = tuple(data.get("indicators") or ())
    return Report(**values)
