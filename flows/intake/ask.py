"""Questions with their keyboards, and the review summary, for each node of the intake flow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flows.core import Button, Join, Keyboard, Msg, Raw, Reply, Text, t
from flows.domain.catalog import PLACE_LISTS, Catalog, Option, option_text
from flows.intake import callbacks as cb
from flows.intake import text as txt
from flows.intake.state import Answers, IntakeState, Node

# The catalog list behind each single-choice node.
OPTION_LISTS: dict[Node, str] = {
    Node.ROLE: "roles",
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
# The review shows at most this much of the story, so it fits one message in any language.
STORY_PREVIEW = 1000
_STOP = Button(txt.STOP, cb.encode(cb.STOP, "stop"))


def rows(buttons: Sequence[Button], columns: int) -> Keyboard:
    """Buttons laid out `columns` to a row."""
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def footer(node: Node, back: bool = False) -> Keyboard:
    """The last rows of every question: optional Back, then Skip and Stop."""
    skip = Button(txt.SKIP, cb.node_data(node, cb.SKIP))
    last = ((skip, _STOP),)
    return (((Button(txt.BACK, cb.node_data(node, cb.BACK)),), *last)) if back else last


def stop_row() -> tuple[Button, ...]:
    """A row with only the Stop button."""
    return (_STOP,)


def place_kinds(child: bool) -> tuple[str, ...]:
    """The place kinds offered; children are not asked to type anything."""
    kinds = tuple(txt.PLACE_KIND_LABELS)
    return tuple(k for k in kinds if k != "typed") if child else kinds


def _option_buttons(
    node: Node, options: Iterable[Option], selected: Sequence[str] = ()
) -> list[Button]:
    out = []
    for o in options:
        label: Text = Msg(o.label)
        if o.id in selected:
            label = Join((Raw("✅"), label), sep=" ")
        out.append(Button(label, cb.node_data(node, o.id)))
    return out


def _keyboard(catalog: Catalog, state: IntakeState) -> Keyboard:
    node, answers = state.node, state.answers
    if node is Node.DANGER:
        choices = [
            Button(txt.YES_DANGER, cb.node_data(node, "yes")),
            Button(txt.NO, cb.node_data(node, "no")),
        ]
        return rows(choices, 1) + footer(node)
    if node is Node.INDICATORS:
        toggles = _option_buttons(node, catalog.indicators, answers.indicators)
        done = Button(txt.DONE, cb.node_data(node, cb.DONE))
        return (*rows(toggles, 1), (done,), *footer(node))
    if node is Node.PLACE_KIND:
        kinds = [
            Button(txt.PLACE_KIND_LABELS[k], cb.node_data(node, k))
            for k in place_kinds(answers.child_path)
        ]
        return rows(kinds, 1) + footer(node)
    if node in OPTION_LISTS:
        options = catalog.lists()[OPTION_LISTS[node]]
        columns = 2 if len(options) > 6 else 1
        return rows(_option_buttons(node, options), columns) + footer(node, node in _BACK_NODES)
    return footer(node, node in _BACK_NODES)  # free-text questions


def question(
    catalog: Catalog, state: IntakeState, notice: Text | None = None, edit: bool = False
) -> Reply:
    """The current node's question (or resting message), optionally after a short notice."""
    if state.node is Node.REVIEW:
        text: Text = review_text(catalog, state.answers)
        keyboard = review_keyboard(state.answers)
    elif state.node in txt.PROMPTS:
        text, keyboard = txt.prompt(state.node, state.answers.child_path), _keyboard(catalog, state)
    else:
        text, keyboard = resting_text(state), ()
    if notice is not None:
        text = Join((notice, text), sep="\n\n")
    return Reply(text, keyboard, edit)


def resting_text(state: IntakeState) -> Msg:
    """What to say at a node where no question is open."""
    if state.node is Node.DONE:
        return txt.DONE_REMINDER
    if state.node is Node.SUBMITTING:
        return txt.SUBMITTING
    return txt.IDLE_HINT


# --- review -------------------------------------------------------------------------------------


def _label(catalog: Catalog, list_name: str, option_id: str | None) -> Text:
    return option_text(catalog, list_name, option_id, t("(skipped)"))


def _place(catalog: Catalog, a: Answers) -> Text:
    if a.place_kind is None:
        return t("(skipped)")
    if a.place_kind == "typed":
        return Raw(a.place_text) if a.place_text else t("(skipped)")
    kind = txt.PLACE_KIND_LABELS[a.place_kind]
    place = _label(catalog, PLACE_LISTS[a.place_kind], a.place)
    return Join((kind, place), sep=": ")


def _indicators(catalog: Catalog, a: Answers) -> Text:
    if not a.indicators:
        return t("(skipped)")
    return Join(tuple(_label(catalog, "indicators", i) for i in a.indicators), sep="; ")


def _story(story: str | None) -> Text:
    if not story:
        return t("(skipped)")
    if len(story) <= STORY_PREVIEW:
        return Raw(story)
    return Join((Raw(story[:STORY_PREVIEW]), t("(shortened here; sent in full)")), sep="… ")


def review_text(catalog: Catalog, a: Answers) -> Text:
    """Every answer with its label, "(skipped)" where skipped, then what to do."""
    danger = t("(skipped)") if a.in_danger is None else (t("Yes") if a.in_danger else t("No"))
    lines: list[Text] = [
        t("<b>Danger now:</b> {value}", value=danger),
        t("<b>Who reports:</b> {value}", value=_label(catalog, "roles", a.reporter_role)),
        t("<b>What happened:</b> {value}", value=_indicators(catalog, a)),
        t("<b>Where:</b> {value}", value=_place(catalog, a)),
        t("<b>When:</b> {value}", value=_label(catalog, "when", a.when)),
        t(
            "<b>How many people:</b> {value}",
            value=_label(catalog, "victim_counts", a.victim_count),
        ),
        t("<b>Youngest:</b> {value}", value=_label(catalog, "age_bands", a.victim_age)),
    ]
    if not a.child_path:
        lines.append(t("<b>Your words:</b> {value}", value=_story(a.story)))
    return Join(
        (
            t("<b>Please check your report.</b>"),
            Join(tuple(lines)),
            t("Tap <b>Send report</b> when it looks right, or change any part."),
        ),
        sep="\n\n",
    )


def review_sections(a: Answers) -> tuple[str, ...]:
    """Sections that can be changed from the review."""
    sections = tuple(txt.CHANGE_LABELS)
    return tuple(s for s in sections if s != "story") if a.child_path else sections


def review_keyboard(a: Answers) -> Keyboard:
    """Send, one Change button per section, and Stop."""
    send = Button(txt.SEND, cb.node_data(Node.REVIEW, "send"))
    changes = [
        Button(txt.CHANGE_LABELS[s], cb.node_data(Node.REVIEW, s)) for s in review_sections(a)
    ]
    return ((send,), *rows(changes, 2), stop_row())


def language_keyboard(locales: Sequence[str]) -> Keyboard:
    """One button per locale, named in its own language, then Stop."""
    buttons = [
        Button(Raw(txt.LANGUAGE_NAMES.get(loc, loc)), cb.encode(cb.LANGUAGE, loc.lower()))
        for loc in locales
    ]
    return (*rows(buttons, 1), stop_row())


def resume_keyboard() -> Keyboard:
    """Continue or start again, then Stop."""
    return (
        (
            Button(txt.CONTINUE, cb.encode(cb.RESUME, "go")),
            Button(txt.START_AGAIN, cb.encode(cb.RESUME, "new")),
        ),
        stop_row(),
    )
