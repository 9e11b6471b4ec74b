"""The intake's option lists (indicators, places, help numbers...) as data an operator can edit.

`bot/` reads the TOML file (default: `flows/data/intake.toml`) and calls `parse_catalog`; the
flow only sees the resulting frozen `Catalog`. Labels are English msgids, translated by gettext
like every other string (a custom extractor puts them in `locales/messages.pot`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flows.core import Msg, Raw, Text
from flows.core.errors import CatalogError
from flows.domain.report import COUNTRIES

_ID = re.compile(r"^[a-z0-9_]{1,24}$")
# What a tap can dial: digits, spaces and dashes, optionally after "+"; "" = still to be supplied.
_NUMBER = re.compile(r"^(\+?[0-9][0-9 -]{1,24})?$")
VERIFY_WITHIN = timedelta(days=180)


@dataclass(frozen=True)
class Option:
    """One choice: a stable id (used in callback data and tickets), an English label, a group."""

    id: str
    label: str
    group: str | None = None


@dataclass(frozen=True)
class HelpLine:
    """A help number, the country it works from, and when someone last checked it.

    A line with no number yet ("to be supplied" in docs/domain.md) is never shown to reporters;
    `lapor-tppo catalog check` lists it until an operator fills it in.
    """

    label: str
    number: str
    country: str  # "indonesia" | "malaysia": where a phone can reach it
    all_day: bool = False  # answers 24 hours a day
    emergency: bool = True  # shown to someone in danger; False: only under /bantuan
    whatsapp: bool = False  # a WhatsApp chat rather than a call
    children: bool = False  # first in the list a child sees
    verified: date | None = None

    @property
    def listed(self) -> bool:
        """Shown to reporters (it has a number)."""
        return bool(self.number)

    @property
    def digits(self) -> str:
        """The number as digits only (for a wa.me link)."""
        return re.sub(r"\D", "", self.number)


@dataclass(frozen=True)
class Catalog:
    """Every option list the intake flow offers."""

    roles: tuple[Option, ...]
    indicators: tuple[Option, ...]
    child_indicators: tuple[Option, ...]  # a child's shorter list; ids are `indicators` ids
    indicator_groups: tuple[Option, ...]  # headings of the adult indicator list
    kecamatan: tuple[Option, ...]
    crossings: tuple[Option, ...]
    sabah: tuple[Option, ...]
    when: tuple[Option, ...]
    victim_counts: tuple[Option, ...]
    age_bands: tuple[Option, ...]
    help_lines: tuple[HelpLine, ...]

    def lists(self) -> dict[str, tuple[Option, ...]]:
        """Option lists by name, for lookups and checks."""
        return {name: getattr(self, name) for name in _LISTS}

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


def help_check(
    catalog: Catalog, today: date, within: timedelta = VERIFY_WITHIN
) -> list[tuple[HelpLine, str]]:
    """Help lines an operator must look at, each with the reason (for `catalog check`)."""
    found: list[tuple[HelpLine, str]] = []
    for line in catalog.help_lines:
        if not line.listed:
            found.append((line, "number to be supplied: not shown to reporters"))
        elif line.verified is None:
            found.append((line, "never verified"))
        elif today - line.verified > within:
            found.append(
                (
                    line,
                    f"last verified {line.verified.isoformat()}, "
                    f"{(today - line.verified).days} days ago",
                )
            )
    return found


_LISTS = (
    "roles",
    "indicators",
    "child_indicators",
    "indicator_groups",
    "kecamatan",
    "crossings",
    "sabah",
    "when",
    "victim_counts",
    "age_bands",
)
_OPTIONAL = frozenset({"indicator_groups"})


def _safe(text: str, what: str) -> None:
    if any(c in text for c in "<>&{}"):
        # Labels are message templates in Telegram HTML: these would break every message.
        raise CatalogError(f"{what} may not hold < > & {{ }}")


def _options(name: str, raw: Any) -> tuple[Option, ...]:
    if raw is None and name in _OPTIONAL:
        return ()
    if not isinstance(raw, list) or not raw:
        raise CatalogError(f"catalog list '{name}' must be a non-empty list of tables")
    seen: set[str] = set()
    out: list[Option] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise CatalogError(f"catalog list '{name}' holds a non-table entry")
        oid, label, group = item.get("id"), item.get("label"), item.get("group")
        if not isinstance(oid, str) or not _ID.fullmatch(oid):
            raise CatalogError(f"catalog list '{name}': id {oid!r} must match [a-z0-9_]{{1,24}}")
        if not isinstance(label, str) or not label.strip():
            raise CatalogError(f"catalog list '{name}': option '{oid}' needs a label")
        _safe(label, f"catalog list '{name}': label of '{oid}'")
        if group is not None and not isinstance(group, str):
            raise CatalogError(f"catalog list '{name}': group of '{oid}' must be a string")
        if oid in seen:
            raise CatalogError(f"catalog list '{name}': id '{oid}' appears twice")
        seen.add(oid)
        out.append(Option(oid, label, group))
    return tuple(out)


def _check_links(lists: Mapping[str, tuple[Option, ...]]) -> None:
    known = {o.id for o in lists["indicators"]}
    for option in lists["child_indicators"]:
        if option.id not in known:
            raise CatalogError(f"child_indicators: '{option.id}' is not an indicators id")
    groups = {o.id for o in lists["indicator_groups"]}
    for option in lists["indicators"]:
        if option.group is not None and option.group not in groups:
            raise CatalogError(
                f"indicators: group '{option.group}' of '{option.id}' is not an indicator_groups id"
            )


def _flag(item: Mapping[str, Any], name: str, default: bool) -> bool:
    value = item.get(name, default)
    if not isinstance(value, bool):
        raise CatalogError(f"help_lines: '{name}' of '{item.get('label')}' must be true or false")
    return value


def _verified(item: Mapping[str, Any]) -> date | None:
    value = item.get("verified")
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CatalogError(
            f"help_lines: 'verified' of '{item.get('label')}' must be a date such as 2026-01-31"
        ) from None


def _help_line(item: Any) -> HelpLine:
    if (
        not isinstance(item, Mapping)
        or not isinstance(item.get("label"), str)
        or not isinstance(item.get("number", ""), str)
    ):
        raise CatalogError("each of 'help_lines' needs a 'label' and a 'number' (strings)")
    label, number = item["label"], item.get("number", "")
    _safe(label, f"help_lines: label '{label}'")
    if not _NUMBER.fullmatch(number):
        raise CatalogError(
            f"help_lines: number of '{label}' must be digits, spaces or dashes, "
            "optionally after + (empty while still to be supplied)"
        )
    if item.get("country") not in COUNTRIES:
        raise CatalogError(f"help_lines: country of '{label}' must be one of {COUNTRIES}")
    return HelpLine(
        label,
        number,
        item["country"],
        all_day=_flag(item, "all_day", False),
        emergency=_flag(item, "emergency", True),
        whatsapp=_flag(item, "whatsapp", False),
        children=_flag(item, "children", False),
        verified=_verified(item),
    )


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    """Validate the parsed TOML and build a `Catalog`; raises `CatalogError` naming the problem."""
    lists = {name: _options(name, data.get(name)) for name in _LISTS}
    _check_links(lists)
    raw_help = data.get("help_lines")
    if not isinstance(raw_help, list) or not raw_help:
        raise CatalogError("catalog list 'help_lines' must be a non-empty list of tables")
    return Catalog(help_lines=tuple(_help_line(item) for item in raw_help), **lists)
