"""How Telegram measures messages, so that what we send always fits."""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096  # characters of a message after entity parsing, in UTF-16 code units


def visible_length(html_text: str) -> int:
    """How long Telegram counts an HTML message: tags dropped, entities decoded, UTF-16 units."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", html_text))
    return len(plain.encode("utf-16-le")) // 2
