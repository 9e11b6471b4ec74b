"""The reporter's intake conversation: one anonymous TPPO report, one question per message.

`IntakeFlow.step(state, event)` is pure: it returns the new state, the replies for the chat and
the effects for the adapter (`SubmitReport`, `ForgetMe`). Bad input is a transition, never an
exception. The flow is drawn in intake.md beside this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flows.core import (
    ButtonEvent,
    CommandEvent,
    Event,
    Join,
    MediaEvent,
    Reply,
    Text,
    TextEvent,
    Transition,
)
from flows.core.errors import FlowError
from flows.domain.catalog import Catalog
from flows.domain.report import PLACE_TEXT_LIMIT, STORY_LIMIT, Report
from flows.intake import callbacks as cb
from flows.intake import nav
from flows.intake import text as txt
from flows.intake.ask import (
    OPTION_LISTS,
    language_keyboard,
    place_kinds,
    question,
    resume_keyboard,
    review_sections,
)
from flows.intake.effects import INTAKE_EFFECTS, ForgetMe, ReportFiled, SubmitReport
from flows.intake.state import (
    ACTIVE_NODES,
    CHILD_ROLE,
    PLACE_LIST_NODES,
    Answers,
    IntakeState,
    Node,
    dump_state,
    load_state,
)

Step = Transition[IntakeState]

_START = frozenset({"start", "lapor", "report"})
_CANCEL = frozenset({"batal", "cancel"})
_HELP = frozenset({"bantuan", "help"})
_LANGUAGE = frozenset({"bahasa", "language"})
_DELETE = frozenset({"hapus", "delete"})
_STATUS = frozenset({"status"})


def _in_progress(s: IntakeState) -> bool:
    return nav.in_progress(s.node, s.answers)


class IntakeFlow:
    """The intake state machine over a `Catalog` of options (a `flows.core.Flow`)."""

    name = "intake"
    effects = INTAKE_EFFECTS

    def __init__(
        self,
        catalog: Catalog,
        default_locale: str = "id",
        locales: tuple[str, ...] = ("id", "en"),
    ) -> None:
        """Offer `locales` (by /bahasa); new conversations start in `default_locale`."""
        if default_locale not in locales:
            raise FlowError(f"default locale {default_locale!r} is not among {locales!r}")
        for locale in locales:
            if cb.parse(f"{cb.VERSION}|{cb.LANGUAGE}|{locale.lower()}") is None:
                raise FlowError(f"locale {locale!r} must match [a-zA-Z0-9_]{{1,24}}")
        self.catalog = catalog
        self.default_locale = default_locale
        self.locales = locales

    def new_state(self, locale: str | None = None) -> IntakeState:
        """A conversation with no report in progress (what a `None` state means)."""
        chosen = locale if locale is not None and locale in self.locales else self.default_locale
        return IntakeState(Node.IDLE, Answers(), chosen)

    def locale(self, state: IntakeState) -> str:
        """The reporter's chosen language."""
        return state.locale

    def dump(self, state: IntakeState) -> dict[str, Any]:
        """The state as versioned JSON-safe data."""
        return dump_state(state)

    def load(self, data: Mapping[str, Any]) -> IntakeState | None:
        """The stored state, or None (a fresh conversation) when it cannot be trusted."""
        return load_state(data)

    def step(self, state: IntakeState | None, event: Event) -> Step:
        """Handle one event; `None` state is a new conversation."""
        s = self.new_state() if state is None else state
        if s.locale not in self.locales:
            s = replace(s, locale=self.default_locale)
        if isinstance(event, ReportFiled):
            # The reference goes to the reporter, not into the state (see IntakeState).
            state_done = IntakeState(Node.DONE, Answers(), s.locale)
            return Transition(state_done, (Reply(txt.confirmation(self.catalog, event.reference)),))
        if isinstance(event, CommandEvent):
            return self._command(s, event.command)
        if isinstance(event, ButtonEvent):
            return self._button(s, event)
        if s.node is Node.IDLE:
            return self._begin(s)
        if s.node not in ACTIVE_NODES:
            return self._ask(s)
        if isinstance(event, TextEvent):
            return self._text(s, event.text)
        if isinstance(event, MediaEvent):
            return self._ask(s, txt.NOTICE_MEDIA)
        return Transition(s)

    # --- replies ---------------------------------------------------------------------------

    def _ask(
        self,
        s: IntakeState,
        notice: Text | None = None,
        before: tuple[Reply, ...] = (),
        edit: bool = False,
    ) -> Step:
        """Transition to `s`, asking its question (after `before` and an optional notice)."""
        return Transition(s, (*before, question(self.catalog, s, notice, edit)))

    def _begin(self, s: IntakeState, notice: Text | None = None) -> Step:
        """Welcome and anonymity notice, then the first question."""
        fresh = IntakeState(Node.DANGER, Answers(), s.locale)
        welcome: Text = txt.WELCOME if notice is None else Join((notice, txt.WELCOME), sep="\n\n")
        return self._ask(fresh, before=(Reply(welcome),))

    def _stop(self, s: IntakeState) -> Step:
        """Quick exit: drop the draft, say so honestly, give the help numbers."""
        if s.node not in ACTIVE_NODES:
            return self._ask(s, txt.NOTHING_TO_CANCEL)
        idle = IntakeState(Node.IDLE, Answers(), s.locale)
        return Transition(idle, (Reply(txt.stopped(self.catalog)),))

    # --- commands --------------------------------------------------------------------------

    def _command(self, s: IntakeState, command: str) -> Step:
        if command in _START:
            if _in_progress(s):
                return Transition(s, (Reply(txt.RESUME_OFFER, resume_keyboard()),))
            return self._begin(s)
        if command in _CANCEL:
            return self._stop(s)
        if command in _HELP:
            return self._ask(s, before=(Reply(txt.help_message(self.catalog)),))
        if command in _LANGUAGE:
            return Transition(s, (Reply(txt.CHOOSE_LANGUAGE, language_keyboard(self.locales)),))
        if command in _DELETE:
            idle = IntakeState(Node.IDLE, Answers(), s.locale)
            return Transition(idle, (Reply(txt.FORGET),), (ForgetMe(),))
        if command in _STATUS:
            return self._ask(s, before=(Reply(txt.STATUS_SOON),))
        return self._ask(s, txt.UNKNOWN_COMMAND)

    # --- buttons ---------------------------------------------------------------------------

    def _button(self, s: IntakeState, event: ButtonEvent) -> Step:
        data = cb.parse(event.data)
        if data is None:
            return self._ask(s, txt.NOTICE_STALE)
        if data.code == cb.STOP and data.value == "stop":
            return self._stop(s)
        if data.code == cb.LANGUAGE:
            return self._language(s, data.value)
        if data.code == cb.RESUME and _in_progress(s) and data.value in ("go", "new"):
            return self._ask(s) if data.value == "go" else self._begin(s)
        if s.node not in ACTIVE_NODES or cb.NODE_CODES[s.node] != data.code:
            return self._ask(s, txt.NOTICE_STALE)
        if data.value == cb.SKIP and s.node is not Node.REVIEW:
            return self._advance(s, nav.skipped(s.node, s.answers))
        return self._answer(s, data.value, event)

    def _language(self, s: IntakeState, value: str) -> Step:
        chosen = [loc for loc in self.locales if loc.lower() == value]
        if not chosen:
            return self._ask(s, txt.NOTICE_STALE)
        new = replace(s, locale=chosen[0])
        if new.node is Node.DANGER and new.answers == Answers():
            return self._begin(new, txt.NOTICE_LANGUAGE)
        return self._ask(new, txt.NOTICE_LANGUAGE)

    def _answer(self, s: IntakeState, value: str, event: ButtonEvent) -> Step:
        """A button of the current question was pressed (not Skip)."""
        a, node = s.answers, s.node
        if node is Node.DANGER and value in ("yes", "no"):
            help_now = (Reply(txt.danger_help(self.catalog)),) if value == "yes" else ()
            return self._advance(s, replace(a, in_danger=value == "yes"), help_now)
        if node is Node.INDICATORS:
            return self._indicators(s, value)
        if node is Node.PLACE_KIND and value in place_kinds(a.child_path):
            picked = replace(a, place_kind=value, place=None, place_text=None)
            return self._ask(replace(s, node=PLACE_LIST_NODES[value], answers=picked))
        if node in PLACE_LIST_NODES.values() and value == cb.BACK:
            return self._ask(replace(s, node=Node.PLACE_KIND))
        if node is Node.REVIEW:
            return self._review(s, value, event)
        if node in OPTION_LISTS and self.catalog.label(OPTION_LISTS[node], value) is not None:
            return self._option(s, value)
        return self._ask(s, txt.NOTICE_STALE)

    def _option(self, s: IntakeState, value: str) -> Step:
        """A single-choice answer from a catalog list."""
        a = nav.SETTERS[s.node](s.answers, value)
        if s.node is not Node.ROLE or value != CHILD_ROLE:
            return self._advance(s, a)
        # The child-safe path: no free text is asked or kept.
        if a.place_kind == "typed":
            a = replace(a, place_kind=None, place_text=None)
        return self._advance(s, replace(a, story=None), (Reply(txt.CHILD_THANKS),))

    def _indicators(self, s: IntakeState, value: str) -> Step:
        if value == cb.DONE:
            return self._advance(s, s.answers)
        ids = [o.id for o in self.catalog.indicators]
        if value not in ids:
            return self._ask(s, txt.NOTICE_STALE)
        chosen = set(s.answers.indicators) ^ {value}
        toggled = tuple(i for i in ids if i in chosen)
        return self._ask(replace(s, answers=replace(s.answers, indicators=toggled)), edit=True)

    def _review(self, s: IntakeState, value: str, event: ButtonEvent) -> Step:
        if value == "send":
            a = s.answers
            report = Report(
                submitted_at=event.at,
                locale=s.locale,
                in_danger=a.in_danger,
                reporter_role=a.reporter_role,
                indicators=a.indicators,
                place_kind=a.place_kind,
                place=a.place,
                place_text=a.place_text,
                when=a.when,
                victim_count=a.victim_count,
                victim_age=a.victim_age,
                story=a.story,
            )
            sending = IntakeState(Node.SUBMITTING, Answers(), s.locale)
            return Transition(sending, (), (SubmitReport(report),))
        if value in review_sections(s.answers):
            return self._ask(replace(s, node=nav.SECTION_START[value], return_to_review=True))
        return self._ask(s, txt.NOTICE_STALE)

    def _advance(self, s: IntakeState, answers: Answers, before: tuple[Reply, ...] = ()) -> Step:
        """Store `answers` and ask the next question (or return to the review)."""
        nxt = nav.next_node(s.node, answers, s.return_to_review)
        review = s.return_to_review and nxt is not Node.REVIEW
        return self._ask(
            replace(s, node=nxt, answers=answers, return_to_review=review), before=before
        )

    # --- typed text ------------------------------------------------------------------------

    def _text(self, s: IntakeState, text: str) -> Step:
        typed = text.strip()
        child = s.answers.child_path
        if s.node is Node.STORY and not child:
            if not typed:
                return self._ask(s, txt.NOTICE_EMPTY)
            if len(typed) > STORY_LIMIT:
                return self._ask(s, txt.too_long(len(typed)))
            return self._advance(s, replace(s.answers, story=typed))
        if s.node in (Node.PLACE_KIND, Node.PLACE_TYPED) and not child:
            at_typed = replace(s, node=Node.PLACE_TYPED)
            if not typed:
                return self._ask(at_typed, txt.NOTICE_EMPTY)
            if len(typed) > PLACE_TEXT_LIMIT:
                return self._ask(at_typed, txt.too_long(len(typed), PLACE_TEXT_LIMIT))
            placed = replace(s.answers, place_kind="typed", place=None, place_text=typed)
            return self._advance(at_typed, placed)
        return self._ask(s, txt.NOTICE_BUTTONS)
