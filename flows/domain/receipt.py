"""Receipts: 20 Crockford base32 characters (100 random bits), shown in groups of five.

Reading is forgiving: lower case, spaces, missing or extra dashes, and the letters people
confuse with digits (O for 0; I and L for 1) all read as the receipt they were meant to be.
"""

from __future__ import annotations

import re

from flows.domain.ticket import REFERENCE_PATTERN

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 20  # 20 x 5 bits = 100 bits, above the 90 the design asks for
GROUP = 5
# The first characters are a non-secret index (see bot/effects/followup): the other 80 bits
# are what proves that someone holds the receipt.
LOOKUP = 4
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def normalize(text: str) -> str | None:
    """The receipt in `text` as 20 upper-case characters, or None when it cannot be one."""
    if len(text) > 4 * LENGTH:
        return None
    plain = _SEPARATORS.sub("", text).upper().translate(_CONFUSED)
    return plain if _VALID.fullmatch(plain) else None


def display(receipt: str) -> str:
    """`XXXXX-XXXXX-XXXXX-XXXXX`."""
    return "-".join(receipt[i : i + GROUP] for i in range(0, len(receipt), GROUP))


def lookup(receipt: str) -> str:
    """The non-secret index of a normalized receipt."""
    return receipt[:LOOKUP]


def reference_ok(reference: str) -> bool:
    """`reference` has the form of a ticket reference."""
    return re.fullmatch(REFERENCE_PATTERN, reference) is not None
