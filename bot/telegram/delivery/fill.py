"""Filling tracked ids into nested call parameters at send time (e.g. a link to a card).

A dotted name such as `reply_markup.inline_keyboard.0.1.url` walks dict keys and list indexes.
A string value there is a template whose `{id}` becomes the id. When the id is unknown (the
tracked call never succeeded), the object holding the field is removed from the list it is in
(a button from its row, an empty row from the keyboard), or else its top-level parameter.
"""

from __future__ import annotations

from typing import Any

EDITS = frozenset({"editMessageText", "editMessageReplyMarkup"})


def fill_call(
    method: str, params: dict[str, Any], ids: dict[str, int | None]
) -> tuple[str, dict[str, Any]]:
    """Tracked ids into a call; an edit of a message never sent becomes a new message."""
    out = dict(params)
    for name, value in ids.items():
        if "." in name:  # a field inside a parameter, e.g. the URL of a button
            fill_path(out, name, value)
        elif value is not None:
            out[name] = value
        else:
            out.pop(name, None)
    if method in EDITS and "message_id" not in out:
        return "sendMessage", out
    return method, out


def fill_path(params: dict[str, Any], name: str, value: int | None) -> None:
    """Fill `value` at the dotted path `name` in `params` (in place), as described above."""
    keys: list[Any] = [int(k) if k.isdigit() else k for k in name.split(".")]
    trail: list[Any] = [params]
    try:
        for key in keys[:-1]:
            trail.append(trail[-1][key])
        holder, last = trail[-1], keys[-1]
        current = holder[last]
    except (KeyError, IndexError, TypeError):
        params.pop(str(keys[0]), None)  # not the shape we expected: send without it
        return
    if value is not None:
        holder[last] = current.replace("{id}", str(value)) if isinstance(current, str) else value
        return
    for depth in range(len(trail) - 1, 0, -1):  # remove the holder, then any emptied list
        parent, key = trail[depth - 1], keys[depth - 1]
        if not isinstance(parent, list):
            break
        del parent[key]
        if parent:
            return
    params.pop(str(keys[0]), None)
