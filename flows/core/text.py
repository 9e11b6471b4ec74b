"""Translatable text: what a flow says, as English msgids with parameters.

A flow describes *what* to say as `Msg` values (an English msgid plus parameters); `bot/`
translates and renders them, escaping every parameter that came from a user, so HTML safety is
enforced in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class Msg:
    """A translatable message: an English msgid (may hold Telegram HTML) and named parameters."""

    msgid: str
    params: tuple[tuple[str, Text], ...] = ()


@dataclass(frozen=True)
class Raw:
    """Text that is shown as-is after HTML escaping: a user's words, a reference, a number."""

    text: str


@dataclass(frozen=True)
class Join:
    """Several pieces of text shown one after the other, separated by `sep`."""

    parts: tuple[Text, ...]
    sep: str = "\n"


@dataclass(frozen=True)
class Plural:
    """A message whose wording depends on a count (gettext `ngettext`); `{n}` holds the count."""

    singular: str
    plural: str
    n: int
    params: tuple[tuple[str, Text], ...] = ()


Text: TypeAlias = Msg | Raw | Join | Plural


def _params(params: dict[str, Text | str | int]) -> tuple[tuple[str, Text], ...]:
    items: list[tuple[str, Text]] = []
    for name, value in sorted(params.items()):
        items.append(
            (name, value if isinstance(value, Msg | Raw | Join | Plural) else Raw(str(value)))
        )
    return tuple(items)


def t(msgid: str, **params: Text | str | int) -> Msg:
    """Mark `msgid` for translation (gettext keyword `t`); plain str/int params become `Raw`."""
    return Msg(msgid, _params(params))


def tn(singular: str, plural: str, n: int, **params: Text | str | int) -> Plural:
    """Mark a plural message for translation (gettext keyword `tn`); `{n}` is the count."""
    return Plural(singular, plural, n, _params({"n": n, **params}))
