"""Questions with their keyboards, for each node of the intake flow.

Layout rules: Stop is always alone on the last row (one slip must not lose a draft, and Stop
asks first anyway); Skip never shares a row with it. The indicator list has its continue button
at the top and at the bottom.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flows.core import Button, Join, Keyboard, Msg, Raw, Text
from flows.domain.catalog import Catalog, Option
from flows.intake import callbacks as cb
from flows.intake import text as txt
from flows.intake.state import Answers, IntakeState, Node

# The catalog list behind each single-choice node.
OPTION_LISTS: dict[Node, str] = {
    Node.ROLE: "roles",
    Node.MY_AGE: "age_bands",
    Node.PLACE_KECAMATAN: "kecamatan",
    Node.PLACE_CROSSING: "crossings",
    Node.PLACE_SABAH: "sabah",
    Node.WHEN: "when",
    Node.VICTIM_COUNT: "victim_counts",
    Node.VICTIM_AGE: "age_bands",
}
_BACK_NODES = frozenset(
    {Node.PLACE_KECAMATAN, Node.PLACE_CROSSING, Node.PLACE_SABAH, Node.PLACE_TYPED}
)
_NOT_OWN_AGE = frozenset({"unknown"})  # "Not sure" is for someone else's age; Skip covers it
STOP = Button(txt.STOP, cb.encode(cb.STOP, "stop"))


def rows(buttons: Sequence[Button], columns: int) -> Keyboard:
    """Buttons laid out `columns` to a row."""
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def stop_row() -> tuple[Button, ...]:
    """A row with only the Stop button: it never shares a row, so a slip cannot hit it."""
    return (STOP,)


def footer(node: Node, back: bool = False, extra: Keyboard = ()) -> Keyboard:
    """The last rows of every question: Back and Skip, any `extra` rows, then Stop alone."""
    skip = Button(txt.SKIP, cb.node_data(node, cb.SKIP))
    first = (Button(txt.BACK, cb.node_data(node, cb.BACK)), skip) if back else (skip,)
    return (first, *extra, stop_row())


def place_kinds(child: bool) -> tuple[str, ...]:
    """The place kinds offered; children are not asked to type anything."""
    kinds = tuple(txt.PLACE_KIND_LABELS)
    return tuple(k for k in kinds if k != "typed") if child else kinds


def ticked(label: Text, on: bool) -> Text:
    """A toggle's label, with a tick when chosen."""
    return Join((Raw("✅"), label), sep=" ") if on else label


def _option_buttons(
    node: Node, options: Iterable[Option], selected: Sequence[str] = ()
) -> list[Button]:
    return [
        Button(ticked(Msg(o.label), o.id in selected), cb.node_data(node, o.id)) for o in options
    ]


def indicator_options(catalog: Catalog, child: bool) -> tuple[Option, ...]:
    """The indicator list the reporter sees: a child's own list, or the grouped adult one."""
    return catalog.child_indicators if child else catalog.indicators


def _indicators(catalog: Catalog, a: Answers) -> Keyboard:
    node = Node.INDICATORS
    nxt = (Button(txt.NEXT, cb.node_data(node, cb.DONE)),)
    if a.child_path:
        body = rows(_option_buttons(node, catalog.child_indicators, a.indicators), 1)
        return (nxt, *body, nxt, stop_row())
    body_rows: list[tuple[Button, ...]] = []
    groups = [g.id for g in catalog.indicator_groups]
    for group in [*groups, None]:
        options = [o for o in catalog.indicators if o.group == group]
        if not options:
            continue
        if group is not None:
            heading = Join(
                (Raw("—"), Msg(str(catalog.label("indicator_groups", group))), Raw("—")), sep=" "
            )
            body_rows.append((Button(heading, cb.node_data(node, cb.HEADING)),))
        body_rows += rows(_option_buttons(node, options, a.indicators), 2)
    return (nxt, *body_rows, nxt, stop_row())


def _urgent(a: Answers) -> Keyboard:
    node = Node.URGENT
    countries = [
        Button(ticked(label, a.now_in == country), cb.node_data(node, country))
        for country, label in txt.COUNTRY_LABELS.items()
    ]
    return (
        (Button(txt.SEND_NOW, cb.node_data(node, "send")),),
        tuple(countries),
        (Button(txt.NOT_NOW, cb.node_data(node, cb.SKIP)),),
        stop_row(),
    )


def _story(a: Answers) -> Keyboard:
    if not a.story:
        return footer(Node.STORY)
    return (
        (Button(txt.NEXT, cb.node_data(Node.STORY, cb.SKIP)),),
        (Button(txt.CLEAR_STORY, cb.node_data(Node.STORY, "clear")),),
        stop_row(),
    )


def danger_keyboard(offer: Keyboard = ()) -> Keyboard:
    """The first question's buttons; `offer` adds rows (a language) above Stop."""
    node = Node.DANGER
    choices = [
        Button(txt.YES_DANGER, cb.node_data(node, "yes")),
        Button(txt.NO, cb.node_data(node, "no")),
    ]
    return rows(choices, 1) + footer(node, extra=offer)


def keyboard(catalog: Catalog, state: IntakeState) -> Keyboard:
    """The buttons of the question at `state.node`."""
    node, a = state.node, state.answers
    if node is Node.DANGER:
        return danger_keyboard()
    if node is Node.URGENT:
        return _urgent(a)
    if node is Node.INDICATORS:
        return _indicators(catalog, a)
    if node is Node.STORY:
        return _story(a)
    if node is Node.PLACE_KIND:
        kinds = [
            Button(txt.PLACE_KIND_LABELS[k], cb.node_data(node, k))
            for k in place_kinds(a.child_path)
        ]
        return rows(kinds, 1) + footer(node)
    if node in OPTION_LISTS:
        options = catalog.lists()[OPTION_LISTS[node]]
        if node is Node.MY_AGE:
            options = tuple(o for o in options if o.id not in _NOT_OWN_AGE)
        columns = 2 if len(options) > 6 else 1
        return rows(_option_buttons(node, options), columns) + footer(node, node in _BACK_NODES)
    return footer(node, node in _BACK_NODES)  # the typed place


def language_keyboard(locales: Sequence[str]) -> Keyboard:
    """One button per locale, named in its own language, then Stop."""
    return (*rows(language_buttons(locales), 1), stop_row())


def language_buttons(locales: Sequence[str]) -> list[Button]:
    """A button per locale, named in its own language."""
    return [
        Button(Raw(txt.LANGUAGE_NAMES.get(loc, loc)), cb.encode(cb.LANGUAGE, loc.lower()))
        for loc in locales
    ]


def resume_keyboard() -> Keyboard:
    """Continue or start again, then Stop."""
    return (
        (
            Button(txt.CONTINUE, cb.encode(cb.RESUME, "go")),
            Button(txt.START_AGAIN, cb.encode(cb.RESUME, "new")),
        ),
        stop_row(),
    )


def wipe_keyboard() -> Keyboard:
    """After sending or stopping: delete this chat's messages (and our data) in one tap."""
    return ((Button(txt.WIPE_CHAT, cb.encode(cb.WIPE, "chat")),),)


def stop_keyboard() -> Keyboard:
    """The Stop confirmation: delete, or go back (to the current question)."""
    return (
        (Button(txt.STOP_YES, cb.encode(cb.STOP, "yes")),),
        (Button(txt.STOP_NO, cb.encode(cb.RESUME, "go")),),
    )
