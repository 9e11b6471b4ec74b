"""Cleaning raw updates at the edge: code points nothing downstream can store or send.

A JSON escape can carry a lone UTF-16 surrogate (`"\\ud800"`) or NUL into a Python string.
Neither survives the trip onward: UTF-8 cannot encode a lone surrogate (so the update could
never be rendered, stored on a card or sent back), and PostgreSQL text cannot hold NUL. Both
become U+FFFD, the replacement character, before the update is stored.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_BAD = re.compile("[\ud800-\udfff\x00]")


def clean_text(text: str) -> str:
    """`text` with lone surrogates and NUL replaced by U+FFFD."""
    return _BAD.sub(REPLACEMENT, text)


def clean(value: Any) -> tuple[Any, bool]:
    """`value` (decoded JSON) with every string cleaned, and whether anything changed."""
    if isinstance(value, str):
        cleaned = clean_text(value)
        return cleaned, cleaned != value
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        changed = False
        for key, item in value.items():
            new_key, key_changed = clean(key)
            new_item, item_changed = clean(item)
            out[new_key] = new_item
            changed = changed or key_changed or item_changed
        return (out, True) if changed else (value, False)
    if isinstance(value, list):
        items = [clean(item) for item in value]
        if any(changed for _, changed in items):
            return [item for item, _ in items], True
        return value, False
    return value, False
