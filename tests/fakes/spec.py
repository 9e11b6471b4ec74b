"""Loader for the machine-readable Bot API spec (`telegram-bot-api/api.json` beside this file)."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SPEC_PATH = Path(__file__).resolve().parent / "telegram-bot-api" / "api.json"


@dataclass(frozen=True)
class Field:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class Definition:
    """A method or a type: its fields, or the subtypes of a union type."""

    name: str
    fields: dict[str, Field]
    subtypes: tuple[str, ...]
    returns: tuple[str, ...]


class Spec:
    """Case-insensitive access to the methods and types of the Bot API."""

    def __init__(self, raw: dict[str, Any]) -> None:
        """Index the raw JSON spec."""
        self.version: str = str(raw.get("version", ""))
        self.methods = {k.lower(): _definition(v) for k, v in raw["methods"].items()}
        self.types = {k: _definition(v) for k, v in raw["types"].items()}

    def method(self, name: str) -> Definition | None:
        """Return a method by name, ignoring case as Telegram does."""
        return self.methods.get(name.lower())


def _definition(raw: dict[str, Any]) -> Definition:
    """Convert one raw method/type entry."""
    fields = {
        f["name"]: Field(
            name=f["name"],
            types=tuple(f["types"]),
            required=bool(f.get("required")),
            description=str(f.get("description", "")),
        )
        for f in raw.get("fields") or []
    }
    return Definition(
        name=raw["name"],
        fields=fields,
        subtypes=tuple(raw.get("subtypes") or ()),
        returns=tuple(raw.get("returns") or ()),
    )


@functools.cache
def load_spec(path: str | None = None) -> Spec:
    """Load (once) the spec from `path`, $TELEGRAM_BOT_API_SPEC or the copy kept here."""
    chosen = Path(path or os.environ.get("TELEGRAM_BOT_API_SPEC") or DEFAULT_SPEC_PATH)
    with chosen.open(encoding="utf-8") as fh:
        return Spec(json.load(fh))
