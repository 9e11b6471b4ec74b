"""Telegram's HTML subset parser (https://core.telegram.org/bots/api#html-style), modelled on tdlib.

Differences from Telegram, on purpose: a bare `&` that does not start a known entity is an error
(Telegram keeps it literally, but the docs say it must be escaped, so this catches escaping bugs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.fakes.tgformat import EntityParseError, Formatted, TextBuilder, byte_offset

TAG_ENTITY = {
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
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));?")
_SPACE = " \t\r\n"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    argument: str
    start: int
    byte_pos: int


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at `pos`; return (character, next position) or None."""
    m = _ENTITY_RE.match(text, pos)
    if not m:
        return None
    dec, hexa, name = m.groups()
    if name is not None:
        if name not in NAMED_ENTITIES:
            return None
        return NAMED_ENTITIES[name], m.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), m.end()


def _entity_or_error(text: str, pos: int) -> tuple[str, int]:
    """Decode the entity at `pos` or raise like an unescaped '&'."""
    decoded = _decode_entity(text, pos)
    if decoded is None:
        snippet = text[pos : pos + 12].split(" ")[0]
        raise EntityParseError(
            f'Unsupported HTML entity or unescaped "&" in "{snippet}" '
            f"at byte offset {byte_offset(text, pos)}"
        )
    return decoded


def _parse_attr_value(text: str, i: int) -> tuple[str, int]:
    """Parse a quoted or bare attribute value starting at `i`."""
    if text[i] in "'\"":
        quote = text[i]
        i += 1
        value: list[str] = []
        while i < len(text) and text[i] != quote:
            if text[i] == "&":
                ch, i = _entity_or_error(text, i)
                value.append(ch)
            else:
                value.append(text[i])
                i += 1
        if i < len(text):
            i += 1
        return "".join(value), i
    m = _NAME_TOKEN.match(text, i)
    assert m is not None
    end = m.end()
    if end >= len(text) or (text[end] not in _SPACE and text[end] != ">"):
        at = byte_offset(text, i)
        raise EntityParseError(f"Unexpected end of name token at byte offset {at}")
    return m.group().lower(), end


def _start_tag(text: str, begin: int, out: TextBuilder) -> tuple[_Open, int]:
    """Parse a start tag at `begin` ('<'); return the open entity and the position after '>'."""
    i = begin + 1
    at = byte_offset(text, begin)
    while i < len(text) and text[i] not in _SPACE and text[i] != ">":
        i += 1
    if i >= len(text):
        raise EntityParseError(f"Unclosed start tag at byte offset {at}")
    tag = text[begin + 1 : i].lower()
    if tag not in TAG_ENTITY:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {at}')
    argument = ""
    while True:
        while i < len(text) and text[i] in _SPACE:
            i += 1
        if i >= len(text):
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {at}')
        if text[i] == ">":
            break
        name_start = i
        while i < len(text) and text[i] not in _SPACE and text[i] not in "=>":
            i += 1
        name = text[name_start:i].lower()
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        while i < len(text) and text[i] in _SPACE:
            i += 1
        if i < len(text) and text[i] != "=" and tag == "blockquote" and name == "expandable":
            argument = "1"
            continue
        if i >= len(text) or text[i] != "=":
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {at}"
            )
        i += 1
        while i < len(text) and text[i] in _SPACE:
            i += 1
        if i >= len(text):
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {at}')
        value, i = _parse_attr_value(text, i)
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "1"
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    return _Open(tag, argument, out.offset, at), i + 1


def _close(open_: _Open, stack: list[_Open], out: TextBuilder) -> None:
    """Emit the entity for a closed tag."""
    kind = TAG_ENTITY[open_.tag]
    if open_.tag == "a":
        if open_.argument:
            out.entity("text_link", open_.start, url=open_.argument)
    elif open_.tag == "code" and open_.argument and stack and stack[-1].tag == "pre":
        if stack[-1].start == open_.start:
            stack[-1].argument = open_.argument
        else:
            out.entity("code", open_.start)
    elif open_.tag == "pre":
        out.entity("pre", open_.start, language=open_.argument or None)
    elif open_.tag == "blockquote":
        out.entity("expandable_blockquote" if open_.argument else "blockquote", open_.start)
    elif open_.tag == "tg-emoji":
        out.entity("custom_emoji", open_.start, custom_emoji_id=open_.argument or None)
    else:
        out.entity(kind, open_.start)


def parse_html(text: str) -> Formatted:
    """Parse Telegram HTML into plain text + entities, raising EntityParseError like Telegram."""
    out = TextBuilder()
    stack: list[_Open] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "&":
            decoded, i = _entity_or_error(text, i)
            out.add(decoded)
            continue
        if ch != "<":
            j = i
            while j < len(text) and text[j] not in "&<":
                j += 1
            out.add(text[i:j])
            i = j
            continue
        at = byte_offset(text, i)
        if i + 1 < len(text) and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {at}")
            j = i + 2
            while j < len(text) and text[j] not in _SPACE and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < len(text) and text[j] in _SPACE:
                j += 1
            if j >= len(text) or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {at}")
            open_ = stack.pop()
            if end_name and end_name != open_.tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {at}, expected "</{open_.tag}>", '
                    f'found "</{end_name}>"'
                )
            _close(open_, stack, out)
            i = j + 1
            continue
        open_, i = _start_tag(text, i, out)
        stack.append(open_)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()
