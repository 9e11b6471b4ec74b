"""Telegram's MarkdownV2 and legacy Markdown parsers (simplified from tdlib, same error texts)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes.tgformat import EntityParseError, Formatted, TextBuilder, byte_offset

RESERVED_V2 = "_*[]()~`>#+-=|{}.!"
_KIND_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}


@dataclass
class _Open:
    """An entity whose closing marker has not been seen yet."""

    kind: str
    start: int
    byte_pos: int
    language: str = ""


def _reserved(c: str) -> EntityParseError:
    """Error for an unescaped reserved character."""
    return EntityParseError(
        f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
    )


def _closes(top: _Open, text: str, i: int) -> bool:
    """Whether the character at `i` ends the innermost open entity."""
    c, nxt = text[i], text[i + 1 : i + 2]
    return {
        "bold": c == "*",
        "italic": c == "_" and nxt != "_",
        "underline": c == "_" and nxt == "_",
        "strikethrough": c == "~",
        "spoiler": c == "|" and nxt == "|",
        "text_link": c == "]",
        "custom_emoji": c == "]",
    }.get(top.kind, False)


def _read_url(text: str, i: int) -> tuple[str, int]:
    """Read '(url)' after a closing ']' at position `i` (escapes allowed); '' if absent."""
    if text[i : i + 1] != "(":
        return "", i
    j, url = i + 1, []
    while j < len(text) and text[j] != ")":
        if text[j] == "\\" and j + 1 < len(text):
            j += 1
        url.append(text[j])
        j += 1
    if j >= len(text):
        raise EntityParseError(f"Can't find end of a url at byte offset {byte_offset(text, i)}")
    return "".join(url), j + 1


def _open_entity(text: str, i: int, out: TextBuilder) -> tuple[_Open, int]:
    """Start the entity whose marker is at `i`; return it and the next position."""
    c, nxt, at = text[i], text[i + 1 : i + 2], byte_offset(text, i)
    if c == "_" and nxt == "_":
        return _Open("underline", out.offset, at), i + 2
    simple = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}
    if c in simple:
        return _Open(simple[c], out.offset, at), i + 1
    if c == "|" and nxt == "|":
        return _Open("spoiler", out.offset, at), i + 2
    if c == "!" and nxt == "[":
        return _Open("custom_emoji", out.offset, at), i + 2
    if c == "`" and text[i : i + 3] == "```":
        j = i + 3
        end = j
        while end < len(text) and text[end] not in "\n`":
            end += 1
        language = ""
        if end < len(text) and text[end] == "\n":
            language, j = text[j:end].strip(), end + 1
        return _Open("pre", out.offset, at, language), j
    if c == "`":
        return _Open("code", out.offset, at), i + 1
    raise _reserved(c)


def parse_markdown_v2(text: str) -> Formatted:
    """Parse MarkdownV2 into plain text + entities."""
    out = TextBuilder()
    stack: list[_Open] = []
    quote_start: int | None = None
    i = 0
    while i < len(text):
        c = text[i]
        top = stack[-1] if stack else None
        if c == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if top is not None and top.kind in ("code", "pre"):
            marker = "```" if top.kind == "pre" else "`"
            if text.startswith(marker, i):
                stack.pop()
                out.entity(top.kind, top.start, language=top.language or None)
                i += len(marker)
            else:
                out.add(c)
                i += 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n") and not stack:
            quote_start = out.offset if quote_start is None else quote_start
            i += 1
            continue
        if c not in RESERVED_V2:
            if c == "\n" and quote_start is not None and text[i + 1 : i + 2] != ">":
                out.entity("blockquote", quote_start)
                quote_start = None
            out.add(c)
            i += 1
            continue
        if top is not None and _closes(top, text, i):
            stack.pop()
            i += 2 if top.kind in ("underline", "spoiler") else 1
            if top.kind in ("text_link", "custom_emoji"):
                url, i = _read_url(text, i)
                if top.kind == "custom_emoji":
                    emoji_id = url.partition("id=")[2]
                    out.entity("custom_emoji", top.start, custom_emoji_id=emoji_id or None)
                elif url:
                    out.entity("text_link", top.start, url=url)
            else:
                out.entity(top.kind, top.start)
            continue
        opened, i = _open_entity(text, i, out)
        stack.append(opened)
    if stack:
        top = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_KIND_NAMES[top.kind]} entity at byte offset {top.byte_pos}"
        )
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    return out.result()


def parse_markdown(text: str) -> Formatted:
    """Parse legacy Markdown (*bold*, _italic_, `code`, ```pre```, [text](url))."""
    out = TextBuilder()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin = i
        is_pre = text.startswith("```", i)
        end_marker = "```" if is_pre else ("]" if c == "[" else c)
        i += 3 if is_pre else 1
        language = ""
        if is_pre:
            nl = text.find("\n", i)
            close = text.find("```", i)
            if 0 <= nl < close:
                language, i = text[i:nl].strip(), nl + 1
        start = out.offset
        close = text.find(end_marker, i)
        if close < 0:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(text, begin)}"
            )
        out.add(text[i:close])
        i = close + len(end_marker)
        if c == "[":
            url, i = _read_url(text, i)
            if url:
                out.entity("text_link", start, url=url)
        else:
            kinds = {"*": "bold", "_": "italic", "`": "pre" if is_pre else "code"}
            out.entity(kinds[c], start, language=language or None)
    return out.result()
