"""Callback data of the intake's inline buttons: `1|<code>|<value>`, short, versioned, ASCII.

`1` is the format version, `<code>` names the node the button belongs to (or a global action)
and `<value>` is a catalog option id (`[a-z0-9_]{1,24}`) or a control value starting with `!`.
Data never holds a translated label, and anything that does not parse is treated as stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.intake.state import Node

VERSION = "1"
MAX_BYTES = 64

SKIP = "!skip"
DONE = "!done"
BACK = "!back"
HEADING = "!hd"  # a heading row of a grouped list: pressing it does nothing

# Global actions, accepted at any node.
STOP = "x"  # value "stop": asks to confirm; "yes": confirmed, the draft is deleted
LANGUAGE = "lg"  # value: a locale code
RESUME = "rs"  # value "go" (continue) or "new" (start again)
ADD_INFO = "fa"  # value "add": add to the ticket found by receipt
REPLY = "fr"  # value: a ticket reference's 6 characters, lower case (answer a relayed message)
WIPE = "hp"  # value "chat": delete this chat's messages and our data, as /hapus does

NODE_CODES: dict[Node, str] = {
    Node.DANGER: "dg",
    Node.URGENT: "ug",
    Node.ROLE: "ro",
    Node.MY_AGE: "ma",
    Node.INDICATORS: "in",
    Node.PLACE_KIND: "pk",
    Node.PLACE_KECAMATAN: "kc",
    Node.PLACE_CROSSING: "cr",
    Node.PLACE_SABAH: "sb",
    Node.PLACE_TYPED: "pt",
    Node.WHEN: "wh",
    Node.VICTIM_COUNT: "vc",
    Node.VICTIM_AGE: "va",
    Node.STORY: "st",
    Node.REVIEW: "rv",
}
_CODES = frozenset(NODE_CODES.values()) | {STOP, LANGUAGE, RESUME, ADD_INFO, REPLY, WIPE}
_VALUE = re.compile(r"!?[a-z0-9_]{1,24}")


@dataclass(frozen=True)
class Callback:
    """Parsed callback data: which node or action, and the chosen value."""

    code: str
    value: str


def encode(code: str, value: str) -> str:
    """Callback data for a button; raises ValueError for a code or value the parser would reject."""
    data = f"{VERSION}|{code}|{value}"
    if parse(data) != Callback(code, value):
        raise ValueError(f"invalid callback data {data!r}")
    return data


def node_data(node: Node, value: str) -> str:
    """Callback data for a button that answers the question at `node`."""
    return encode(NODE_CODES[node], value)


def parse(data: object) -> Callback | None:
    """The `Callback` in `data`, or None when it is malformed, oversized or of another version."""
    if not isinstance(data, str) or not data.isascii() or not 0 < len(data) <= MAX_BYTES:
        return None
    parts = data.split("|")
    if len(parts) != 3 or parts[0] != VERSION or parts[1] not in _CODES:
        return None
    if _VALUE.fullmatch(parts[2]) is None:
        return None
    return Callback(parts[1], parts[2])
