"""Formatted text shared helpers: UTF-16 offsets, trimming and parse_mode dispatch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARSE_MODES = ("html", "markdownv2", "markdown")
_TRIM = " \t\r\n"


class EntityParseError(ValueError):
    """Raised when a formatted text can't be parsed, as Telegram's "can't parse entities"."""


def utf16_len(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, as Telegram counts entity offsets."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def byte_offset(text: str, index: int) -> int:
    """Return the UTF-8 byte offset of character `index` (used in Telegram's error texts)."""
    return len(text[:index].encode("utf-8"))


@dataclass
class Formatted:
    """Plain text with its message entities (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


class TextBuilder:
    """Accumulates output text while tracking the current UTF-16 offset."""

    def __init__(self) -> None:
        """Start empty."""
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, text: str) -> None:
        """Append plain text."""
        self.parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        """Record an entity from `start` to the current offset (dropped when empty)."""
        if self.offset > start:
            ent: dict[str, Any] = {"type": kind, "offset": start, "length": self.offset - start}
            ent.update({k: v for k, v in extra.items() if v is not None})
            self.entities.append(ent)

    def result(self) -> Formatted:
        """Return the text with entities sorted as Telegram sorts them."""
        ents = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return Formatted("".join(self.parts), ents)


def trim(formatted: Formatted) -> Formatted:
    """Strip leading/trailing whitespace as Telegram does, shifting and clipping entities."""
    text = formatted.text
    stripped = text.strip(_TRIM)
    if stripped == text:
        return formatted
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    end = lead + utf16_len(stripped)
    ents = []
    for ent in formatted.entities:
        start = max(ent["offset"], lead)
        stop = min(ent["offset"] + ent["length"], end)
        if stop > start:
            ents.append({**ent, "offset": start - lead, "length": stop - start})
    return Formatted(stripped, ents)


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> Formatted:
    """Parse `text` according to `parse_mode` (or take explicit `entities`) and trim it."""
    from tests.fakes.tghtml import parse_html
    from tests.fakes.tgmarkdown import parse_markdown, parse_markdown_v2

    mode = (parse_mode or "").lower()
    if mode == "html":
        result = parse_html(text)
    elif mode == "markdownv2":
        result = parse_markdown_v2(text)
    elif mode == "markdown":
        result = parse_markdown(text)
    elif mode == "":
        result = Formatted(text, [dict(e) for e in entities or []])
    else:
        raise ValueError(f"unsupported parse_mode {parse_mode!r}")
    return trim(result)
