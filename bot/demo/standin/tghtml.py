"""Telegram's HTML subset turned into plain text plus entities, as Telegram itself answers.

Offsets and lengths count UTF-16 code units, like Telegram's (and like JavaScript strings, so the
page can slice the text with them directly). A tag outside the subset is refused with the error
Telegram gives, so the bot's plain-text fallback shows up in the demo as it would in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
# Entities Telegram finds by itself in any text: commands (tappable) and links.
_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?!\w))"
    r"|(?P<url>\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]])"
)
_OPAQUE = frozenset({"code", "pre", "text_link", "url", "bot_command", "custom_emoji"})


class EntityError(ValueError):
    """The text does not parse as Telegram HTML (Telegram answers 400)."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    entity: dict[str, Any]
    start: int


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = TAGS.get(tag)
        values = {name: value or "" for name, value in attrs}
        if kind is None or (tag == "span" and values.get("class") != "tg-spoiler"):
            raise EntityError(f'Unsupported start tag "{tag}"')
        entity: dict[str, Any] = {"type": kind}
        if tag == "a":
            entity["url"] = values.get("href", "")
        elif tag == "blockquote" and "expandable" in values:
            entity["type"] = "expandable_blockquote"
        elif tag == "tg-emoji":
            entity["custom_emoji_id"] = values.get("emoji-id", "")
        elif tag == "code" and self.stack and self.stack[-1].tag == "pre":
            # <pre><code class="language-x"> is one pre entity that names its language.
            entity["type"] = ""
            language = values.get("class", "").removeprefix("language-")
            if language:
                self.stack[-1].entity["language"] = language
        self.stack.append(_Open(tag, entity, self.length))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityError(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1].tag != tag:
            raise EntityError(f'Unmatched end tag "{tag}"')
        opened = self.stack.pop()
        if self.length > opened.start and opened.entity["type"]:
            self.entities.append(
                {**opened.entity, "offset": opened.start, "length": self.length - opened.start}
            )


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of Telegram HTML; raises `EntityError` as Telegram would refuse."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        tag = parser.stack[-1].tag
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    return "".join(parser.parts), sorted(parser.entities, key=_order)


def _order(entity: dict[str, Any]) -> tuple[int, int]:
    return int(entity["offset"]), -int(entity["length"])


def _nested(start: int, end: int, s: int, e: int) -> bool:
    return (s <= start and end <= e) or (start <= s and e <= end)


def with_auto_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` plus the commands and links Telegram finds in the text by itself."""
    spans = [(int(e["offset"]), int(e["offset"]) + int(e["length"]), e["type"]) for e in entities]
    found: list[dict[str, Any]] = []
    for match in _AUTO.finditer(text):
        kind = str(match.lastgroup)
        start = utf16_len(text[: match.start()])
        end = start + utf16_len(match.group())
        # Skip what crosses an entity's edge or touches code, a link or another command.
        if any(
            start < e and s < end and (k in _OPAQUE or not _nested(start, end, s, e))
            for s, e, k in spans
        ):
            continue
        found.append({"type": kind, "offset": start, "length": end - start})
    return sorted(entities + found, key=_order)
