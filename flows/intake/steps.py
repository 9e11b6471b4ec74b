"""The replies every step of the intake is built from: ask the current question, move on,
welcome, stop, confirm a filed report (pure functions of the catalog and the state)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from flows.core import Button, Effect, Join, Msg, Reply, Text, Transition
from flows.domain.catalog import Catalog
from flows.intake import messages as msg
from flows.intake import nav
from flows.intake import text as txt
from flows.intake.ask import danger_keyboard, keyboard, language_buttons, wipe_keyboard
from flows.intake.review import review_keyboard, review_text
from flows.intake.state import ACTIVE_NODES, Answers, IntakeState, Node

Step = Transition[IntakeState]


def question(
    catalog: Catalog, state: IntakeState, notice: Text | None = None, edit: bool = False
) -> Reply:
    """The current node's question (or resting message), optionally after a short notice."""
    a = state.answers
    if state.node is Node.REVIEW:
        text: Text = review_text(catalog, a, state.linked)
        buttons = review_keyboard(a, state.linked is not None)
    elif state.node is Node.URGENT:
        text, buttons = msg.urgent(catalog, a, state.locale), keyboard(catalog, state)
    elif state.node is Node.STORY and a.story:
        text, buttons = msg.story_so_far(a.story), keyboard(catalog, state)
    elif state.node in txt.PROMPTS:
        text, buttons = txt.prompt(state.node, a.child_path), keyboard(catalog, state)
    else:
        text, buttons = resting_text(state), ()
    if notice is not None:
        text = Join((notice, text), sep="\n\n")
    return Reply(text, buttons, edit)


def resting_text(state: IntakeState) -> Msg:
    """What to say at a node where no question is open."""
    if state.node is Node.DONE:
        return txt.DONE_REMINDER
    if state.node is Node.SUBMITTING:
        return txt.SUBMITTING
    return txt.IDLE_HINT


def ask(
    catalog: Catalog,
    s: IntakeState,
    notice: Text | None = None,
    before: tuple[Reply, ...] = (),
    edit: bool = False,
    effects: tuple[Effect, ...] = (),
) -> Step:
    """Transition to `s`, asking its question (after `before` and an optional notice)."""
    return Transition(s, (*before, question(catalog, s, notice, edit)), effects)


def advance(
    catalog: Catalog,
    s: IntakeState,
    answers: Answers,
    before: tuple[Reply, ...] = (),
    notice: Text | None = None,
) -> Step:
    """Store `answers` and ask the next question (or return to the review)."""
    nxt = nav.next_node(s.node, answers, s.return_to_review)
    review = s.return_to_review and nxt is not Node.REVIEW
    return ask(
        catalog,
        replace(s, node=nxt, answers=answers, return_to_review=review),
        notice,
        before=before,
    )


def begin(
    s: IntakeState,
    locales: Sequence[str],
    notice: Text | None = None,
    answers: Answers | None = None,
    language: str | None = None,
) -> Step:
    """The one-message welcome with the first question; offers the client's language."""
    fresh = IntakeState(Node.DANGER, answers or Answers(), s.locale)
    offer: tuple[tuple[Button, ...], ...] = ()
    client = (language or "").split("-")[0].split("_")[0].lower()
    if client != s.locale.lower() and client in {loc.lower() for loc in locales}:
        offer = (tuple(language_buttons([loc for loc in locales if loc.lower() == client])),)
    return Transition(fresh, (Reply(msg.welcome(notice), danger_keyboard(offer)),))


def stop(catalog: Catalog, s: IntakeState) -> Step:
    """Quick exit: drop the draft, say so honestly, give the help numbers."""
    if s.node not in ACTIVE_NODES:
        return ask(catalog, s, txt.NOTHING_TO_CANCEL)
    idle = IntakeState(Node.IDLE, Answers(), s.locale)
    stopped = msg.stopped(catalog, s.answers, s.locale, s.linked is not None)
    return Transition(idle, (Reply(stopped, wipe_keyboard()),))


def filed(catalog: Catalog, s: IntakeState, reference: str, receipt: str | None = None) -> Step:
    """The report is on its ticket: confirm; the DONE state keeps no reference (§3)."""
    done = IntakeState(Node.DONE, Answers(), s.locale)
    confirm = msg.confirmation(
        catalog, reference, s.answers, s.locale, s.linked is not None, receipt
    )
    return Transition(done, (Reply(confirm, wipe_keyboard()),))
