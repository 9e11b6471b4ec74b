"""Callback data of the staff buttons: `t1|<code>|<reference>[|<arg>[|<arg>]]`, ASCII, <= 64 bytes.

`t1` names the format (triage, version 1), so a staff button is never mistaken for a
reporter's (`1|...`). The data names an action and a ticket, never a label, and is checked
again when pressed: it may be stale (the ticket changed) or forged (anyone can send any data),
so pressing it does only what the presser may do now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from flows.domain.referral import Agency, Outcome
from flows.domain.ticket import REFERENCE_PATTERN
from flows.domain.triage import CloseReason

PREFIX = "t1"
MAX_BYTES = 64
_PREFIXES = re.compile(r"t\d+\|")  # any version: an old one is stale, not a reporter's button
_REFERENCE = re.compile(REFERENCE_PATTERN)
_USER = re.compile(r"[1-9]\d{0,15}")


class Code(StrEnum):
    """What a staff button does."""

    SHOW = "sh"  # the whole ticket with its history
    CLAIM = "cl"
    ASSIGN_MENU = "am"  # choose a colleague
    ASSIGN = "as"  # + user id
    NOTE = "nt"  # ask for a typed note
    REFER_MENU = "rm"  # choose an agency
    REFER = "rf"  # + agency
    OUTCOME_MENU = "om"  # choose the outcome of a referral
    OUTCOME = "ro"  # + agency + outcome
    CLOSE_MENU = "cm"  # choose a reason
    CLOSE = "cz"  # + reason
    REOPEN = "op"
    REPLY = "rp"  # how to write to the reporter
    POST_CARD = "pc"  # post a card the flood digest held back
    DISMISS = "x"  # close a menu without doing anything


# How many arguments after the reference each code takes, and what they must be.
_ARGS: dict[Code, tuple[frozenset[str] | re.Pattern[str], ...]] = {
    Code.ASSIGN: (_USER,),
    Code.REFER: (frozenset(Agency),),
    Code.OUTCOME: (frozenset(Agency), frozenset(o for o in Outcome if o is not Outcome.PENDING)),
    Code.CLOSE: (frozenset(CloseReason),),
}


@dataclass(frozen=True)
class Press:
    """A parsed staff button: what to do, to which ticket, with which arguments."""

    code: Code
    reference: str
    args: tuple[str, ...] = ()


def is_triage(data: str) -> bool:
    """Whether callback data is a staff button (of any version), for the router."""
    return _PREFIXES.match(data) is not None


def encode(code: Code, reference: str, *args: str | int) -> str:
    """Callback data for a button; raises ValueError for what `parse` would refuse."""
    data = "|".join((PREFIX, code.value, reference, *(str(a) for a in args)))
    if parse(data) != Press(code, reference, tuple(str(a) for a in args)):
        raise ValueError(f"invalid staff callback data {data!r}")
    return data


def _valid(rule: frozenset[str] | re.Pattern[str], value: str) -> bool:
    if isinstance(rule, frozenset):
        return value in rule
    return rule.fullmatch(value) is not None


def parse(data: object) -> Press | None:
    """The `Press` in `data`, or None when it is malformed, oversized or of another version."""
    if not isinstance(data, str) or not data.isascii() or not 0 < len(data) <= MAX_BYTES:
        return None
    parts = data.split("|")
    if len(parts) < 3 or parts[0] != PREFIX or parts[1] not in tuple(Code):
        return None
    code, reference, args = Code(parts[1]), parts[2], tuple(parts[3:])
    rules = _ARGS.get(code, ())
    if _REFERENCE.fullmatch(reference) is None or len(args) != len(rules):
        return None
    if not all(_valid(rule, value) for rule, value in zip(rules, args, strict=True)):
        return None
    return Press(code, reference, args)
