"""The review: every answer with its label, what can still be changed, and the empty check."""

from __future__ import annotations

from flows.core import Button, Join, Keyboard, Raw, Reply, Text, t
from flows.domain.card import attachment_summary
from flows.domain.catalog import PLACE_LISTS, Catalog, option_text
from flows.intake import callbacks as cb
from flows.intake import text as txt
from flows.intake.ask import rows, stop_row
from flows.intake.followup import text as fu_text
from flows.intake.state import Answers, Node

# The review shows at most this much of the story, so it fits one message in any language.
STORY_PREVIEW = 1000
_SKIPPED = t("(skipped)")


def _label(catalog: Catalog, list_name: str, option_id: str | None) -> Text:
    return option_text(catalog, list_name, option_id, _SKIPPED)


def _place(catalog: Catalog, a: Answers) -> Text:
    if a.place_kind is None:
        return _SKIPPED
    if a.place_kind == "typed":
        return Raw(a.place_text) if a.place_text else _SKIPPED
    kind = txt.PLACE_KIND_LABELS[a.place_kind]
    place = _label(catalog, PLACE_LISTS[a.place_kind], a.place)
    return Join((kind, place), sep=": ")


def _indicators(catalog: Catalog, a: Answers) -> Text:
    if not a.indicators:
        return _SKIPPED
    child = {o.id for o in catalog.child_indicators} if a.child_path else set()
    # A child sees what they ticked in their own words.
    return Join(
        tuple(
            _label(catalog, "child_indicators" if i in child else "indicators", i)
            for i in a.indicators
        ),
        sep="; ",
    )


def _story(story: str | None) -> Text:
    if not story:
        return _SKIPPED
    if len(story) <= STORY_PREVIEW:
        return Raw(story)
    return Join((Raw(story[:STORY_PREVIEW]), t("(shortened here; sent in full)")), sep="… ")


def _danger(a: Answers) -> Text:
    if a.in_danger is None:
        return _SKIPPED
    if not a.in_danger:
        return t("No")
    if a.now_in is None:
        return t("Yes")
    return Join((t("Yes"), Raw(" ("), txt.COUNTRY_LABELS[a.now_in], Raw(")")), sep="")


def review_text(catalog: Catalog, a: Answers, linked: str | None = None) -> Text:
    """Every answer with its label, "(skipped)" where skipped, then what to do."""
    lines: list[Text] = [
        t("<b>Danger now:</b> {value}", value=_danger(a)),
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
    if not a.child_path or a.story:
        lines.append(t("<b>Your words:</b> {value}", value=_story(a.story)))
    if a.attachments:
        lines.append(t("<b>Kept with it:</b> {value}", value=attachment_summary(a.attachments)))
    lines.append(
        Join(
            (fu_text.CONTACT_LABEL_HEAD, fu_text.contact_line(a.followup, a.child_path)),
            sep=" ",
        )
    )
    head = (
        t("<b>Please check the report.</b>")
        if linked is None
        else t(
            "<b>Already sent as urgent report {reference}.</b> Check the rest, then tap <b>Send "
            "report</b> to add it.",
            reference=linked,
        )
    )
    return Join(
        (
            head,
            Join(tuple(lines)),
            t("Tap <b>Send report</b> when it looks right, or change any part."),
        ),
        sep="\n\n",
    )


def review_sections(a: Answers, linked: bool = False) -> tuple[str, ...]:
    """Sections that can be changed from the review.

    A child is not sent to the typed-words question; once an urgent report is out, its danger
    answer stays as sent.
    """
    hidden = {"story"} if a.child_path else set()
    if linked:
        hidden.add("danger")
    return tuple(s for s in txt.CHANGE_LABELS if s not in hidden)


def review_keyboard(a: Answers, linked: bool = False) -> Keyboard:
    """Send, one Change button per section, removals of what was kept, and Stop."""
    node = Node.REVIEW
    send = Button(txt.SEND, cb.node_data(node, "send"))
    changes = [
        Button(txt.CHANGE_LABELS[s], cb.node_data(node, s)) for s in review_sections(a, linked)
    ]
    removals: list[Button] = []
    if a.child_path and a.story:
        removals.append(Button(txt.CLEAR_STORY, cb.node_data(node, "nostory")))
    if a.attachments:
        removals.append(Button(txt.CLEAR_FILES, cb.node_data(node, "nofiles")))
    contact = (
        Button(fu_text.NO_CONTACT_BUTTON, cb.node_data(node, "nocontact"))
        if a.followup
        else Button(fu_text.ALLOW_CONTACT, cb.node_data(node, "contact"))
    )
    return ((send,), *rows(changes, 2), (contact,), *rows(removals, 1), stop_row())


def empty_check() -> Reply:
    """Asked once when Send is pressed on a report that says nothing: send anyway, or add."""
    node = Node.REVIEW
    return Reply(
        txt.EMPTY_CHECK,
        (
            (Button(txt.SEND_ANYWAY, cb.node_data(node, "anyway")),),
            (
                Button(txt.CHANGE_LABELS["indicators"], cb.node_data(node, "indicators")),
                Button(txt.CHANGE_LABELS["place"], cb.node_data(node, "place")),
            ),
            stop_row(),
        ),
    )
