"""The intake's option lists (indicators, places, help numbers...) as data an operator can edit.

`bot/` reads the TOML file (default: `flows/data/intake.toml`) and calls `parse_catalog`; the
flow only sees the resulting frozen `Catalog`. Labels are English msgids, translated by gettext
like every other string (a custom extractor puts them in `locales/messages.pot`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.core import Msg, Raw, Text
from flows.core.errors import CatalogError

_ID = re.compile(r"^[a-z0-9_]{1,24}$")


@dataclass(frozen=True)
class Option:
    """One choice: a stable id (used in callback data and tickets) and an English label."""

    id: str
    label: str


@dataclass(frozen=True)
class HelpLine:
    """An emergency or help number: who it reaches and the number to call."""

    label: str
    number: str


@dataclass(frozen=True)
class Catalog:
    """Every option list the intake flow offers."""

    roles: tuple[Option, ...]
    indicators: tuple[Option, ...]
    kecamatan: tuple[Option, ...]
    crossings: tuple[Option, ...]
    sabah: tuple[Option, ...]
    when: tuple[Option, ...]
    victim_counts: tuple[Option, ...]
    age_bands: tuple[Option, ...]
    help_lines: tuple[HelpLine, ...]

    def lists(self) -> dict[str, tuple[Option, ...]]:
        """Option lists by name, for lookups and checks."""
        return {
            "roles": self.roles,
            "indicators": self.indicators,
            "kecamatan": self.kecamatan,
            "crossings": self.crossings,
            "sabah": self.sabah,
            "when": self.when,
            "victim_counts": self.victim_counts,
            "age_bands": self.age_bands,
        }

    def label(self, list_name: str, option_id: str) -> str | None:
        """The English label of `option_id` in `list_name`, or None when unknown."""
        for option in self.lists()[list_name]:
            if option.id == option_id:
                return option.label
        return None

    def labels(self) -> list[str]:
        """Every label in the catalog (for translation checks)."""
        out = [o.label for options in self.lists().values() for o in options]
        return out + [h.label for h in self.help_lines]


# Which list a place of each kind comes from (the "typed" kind has none).
PLACE_LISTS = {"kecamatan": "kecamatan", "crossing": "crossings", "sabah": "sabah"}


def option_text(catalog: Catalog, list_name: str, option_id: str | None, missing: Text) -> Text:
    """The translatable label of an answer; `missing` when skipped, the raw id when unknown."""
    if option_id is None:
        return missing
    label = catalog.label(list_name, option_id)
    return Raw(option_id) if label is None else Msg(label)


_LISTS = (
    "roles",
    "indicators",
    "kecamatan",
    "crossings",
    "sabah",
    "when",
    "victim_counts",
    "age_bands",
)


def _options(name: str, raw: Any) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise CatalogError(f"catalog list '{name}' must be a non-empty list of tables")
    seen: set[str] = set()
    out: list[Option] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise CatalogError(f"catalog list '{name}' holds a non-table entry")
        oid, label = item.get("id"), item.get("label")
        if not isinstance(oid, str) or not _ID.fullmatch(oid):
            raise CatalogError(f"catalog list '{name}': id {oid!r} must match [a-z0-9_]{{1,24}}")
        if not isinstance(label, str) or not label.strip():
            raise CatalogError(f"catalog list '{name}': option '{oid}' needs a label")
        if any(c in label for c in "<>&{}"):
            # Labels are message templates in Telegram HTML: these would break every message.
            raise CatalogError(f"catalog list '{name}': label of '{oid}' may not hold < > & {{ }}")
        if oid in seen:
            raise CatalogError(f"catalog list '{name}': id '{oid}' appears twice")
        seen.add(oid)
        out.append(Option(oid, label))
    return tuple(out)


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    """Validate the parsed TOML and build a `Catalog`; raises `CatalogError` naming the problem."""
    lists = {name: _options(name, data.get(name)) for name in _LISTS}
    raw_help = data.get("help_lines")
    if not isinstance(raw_help, list) or not raw_help:
        raise CatalogError("catalog list 'help_lines' must be a non-empty list of tables")
    help_lines = []
    for item in raw_help:
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("label"), str)
            or not isinstance(item.get("number"), str)
        ):
            raise CatalogError("each of 'help_lines' needs a 'label' and a 'number' (strings)")
        if any(c in item["label"] + item["number"] for c in "<>&{}"):
            raise CatalogError("'help_lines' labels and numbers may not hold < > & { }")
        help_lines.append(HelpLine(item["label"], item["number"]))
    return Catalog(help_lines=tuple(help_lines), **lists)
