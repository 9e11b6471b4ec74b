"""The reporter's intake conversation: one anonymous TPPO report, one question per message.

`IntakeFlow.step(state, event)` is pure: it returns the new state, the replies for the chat and
the effects for the adapter (`SubmitReport`, `FileUrgent`, `AddToReport`, `ForgetMe`). Bad
input is a transition, never an exception. The flow is drawn in intake.md beside this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from flows.core import (
    Button,
    ButtonEvent,
    CommandEvent,
    Effect,
    Event,
    MediaEvent,
    Reply,
    Text,
    TextEvent,
    Transition,
)
from flows.core.errors import FlowError
from flows.domain.catalog import Catalog
from flows.domain.report import COUNTRIES, PLACE_TEXT_LIMIT
from flows.intake import callbacks as cb
from flows.intake import keep, nav
from flows.intake import messages as msg
from flows.intake import text as txt
from flows.intake.ask import (
    OPTION_LISTS,
    danger_keyboard,
    indicator_options,
    language_buttons,
    language_keyboard,
    place_kinds,
    question,
    resume_keyboard,
    stop_keyboard,
)
from flows.intake.effects import (
    INTAKE_EFFECTS,
    AddToReport,
    FileUrgent,
    ForgetMe,
    ReportFiled,
    SubmitReport,
    UrgentFiled,
)
from flows.intake.review import empty_check, review_sections
from flows.intake.state import (
    ACTIVE_NODES,
    FREE_TEXT_NODES,
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


def _before(replies: tuple[Reply, ...], step: Step) -> Step:
    return replace(step, replies=(*replies, *step.replies)) if replies else step


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
        closed: tuple[Reply, ...] = ()
        if s.linked is not None and s.link_expired(event.at):
            # The fast lane's link is short-lived: let go of the ticket, close the draft.
            s, closed = IntakeState(Node.IDLE, Answers(), s.locale), (Reply(txt.LINK_CLOSED),)
        return _before(closed, self._with_push(s, self._dispatch(s, event), event.at))

    def _dispatch(self, s: IntakeState, event: Event) -> Step:
        if isinstance(event, ReportFiled):
            return self._filed(s, event.reference)
        if isinstance(event, UrgentFiled):
            return self._urgent_filed(s, event)
        if isinstance(event, CommandEvent):
            return self._command(s, event)
        if isinstance(event, ButtonEvent):
            return self._button(s, event)
        if s.node is Node.IDLE:
            return self._first_message(s, event)
        if s.node not in ACTIVE_NODES:
            return self._ask(s)
        if isinstance(event, TextEvent):
            return self._text(s, event.text)
        if isinstance(event, MediaEvent):
            return self._media(s, event)
        return Transition(s)

    # --- replies ---------------------------------------------------------------------------

    def _ask(self, s: IntakeState, notice: Text | None = None, before: tuple[Reply, ...] = (),
             edit: bool = False, effects: tuple[Effect, ...] = ()) -> Step:
        """Transition to `s`, asking its question (after `before` and an optional notice)."""
        return Transition(s, (*before, question(self.catalog, s, notice, edit)), effects)

    def _begin(self, s: IntakeState, notice: Text | None = None, answers: Answers | None = None,
               language: str | None = None) -> Step:
        """The one-message welcome with the first question; offers the client's language."""
        fresh = IntakeState(Node.DANGER, answers or Answers(), s.locale)
        offer: tuple[tuple[Button, ...], ...] = ()
        client = (language or "").split("-")[0].split("_")[0].lower()
        if client != s.locale.lower() and client in {loc.lower() for loc in self.locales}:
            offer = (tuple(language_buttons([loc for loc in self.locales
                                             if loc.lower() == client])),)
        return Transition(fresh, (Reply(msg.welcome(notice), danger_keyboard(offer)),))

    def _first_message(self, s: IntakeState, event: Event) -> Step:
        """A message opens the conversation: what it says or holds is kept for the report."""
        if isinstance(event, TextEvent) and event.text.strip():
            answers, notice = keep.first_words(event.text.strip())
            return self._begin(s, notice, answers, event.language)
        if isinstance(event, MediaEvent):
            kept = keep.keep_media(Answers(), event)
            if kept.answers != Answers():
                return self._begin(s, kept.notice, kept.answers, event.language)
        return self._begin(s, language=event.language)

    def _stop(self, s: IntakeState) -> Step:
        """Quick exit: drop the draft, say so honestly, give the help numbers."""
        if s.node not in ACTIVE_NODES:
            return self._ask(s, txt.NOTHING_TO_CANCEL)
        idle = IntakeState(Node.IDLE, Answers(), s.locale)
        return Transition(idle, (Reply(msg.stopped(self.catalog, s.answers, s.locale,
                                                   s.linked is not None)),))

    def _with_push(self, before: IntakeState, step: Step, at: datetime) -> Step:
        """After a fast-lane filing, put each new answer on the same ticket (and its card).

        Ticks on the indicator list wait for Next (one card edit, not one per tick); the rest
        of a photo album updates the ticket without editing the card again.
        """
        after = step.state
        if before.linked is None or after.linked != before.linked \
                or after.node not in ACTIVE_NODES:
            return step
        old, new = before.answers, after.answers
        ticks_only = replace(new, indicators=old.indicators) == old
        left_list = before.node is Node.INDICATORS and after.node is not Node.INDICATORS
        if not (left_list or (new != old and not ticks_only)):
            return step
        album = len(new.attachments) > len(old.attachments) and keep.same_album(
            old, new.attachments[-1])
        push = AddToReport(before.linked, new.report(at, after.locale), announce=not album)
        return replace(step, effects=(*step.effects, push))

    # --- commands --------------------------------------------------------------------------

    def _command(self, s: IntakeState, event: CommandEvent) -> Step:
        command = event.command
        if command in _START:
            if _in_progress(s):
                return Transition(s, (Reply(txt.RESUME_OFFER, resume_keyboard()),))
            return self._begin(s, language=event.language)
        if command in _CANCEL:  # typed on purpose: no second question
            return self._stop(s)
        if command in _HELP:
            return self._ask(s, before=(Reply(msg.help_message(self.catalog, s.answers,
                                                               s.locale)),))
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
        if data.code == cb.STOP and data.value in ("stop", "yes"):
            if data.value == "stop" and _in_progress(s):  # a slip must not lose a draft
                stop = txt.STOP_CONFIRM_LINKED if s.linked else txt.STOP_CONFIRM
                return Transition(s, (Reply(stop, stop_keyboard()),))
            return self._stop(s)
        if data.code == cb.LANGUAGE:
            return self._language(s, data.value)
        if data.code == cb.RESUME and _in_progress(s) and data.value in ("go", "new"):
            return self._ask(s) if data.value == "go" else self._begin(s)
        if s.node not in ACTIVE_NODES or cb.NODE_CODES[s.node] != data.code:
            return self._ask(s, txt.NOTICE_STALE)
        if data.value == cb.HEADING and s.node is Node.INDICATORS:
            return Transition(s)  # a heading of the list: nothing to do
        if data.value == cb.SKIP and s.node is not Node.REVIEW:
            return self._advance(s, s.answers)  # Skip keeps whatever was answered before
        return self._answer(s, data.value, event.at)

    def _language(self, s: IntakeState, value: str) -> Step:
        chosen = [loc for loc in self.locales if loc.lower() == value]
        if not chosen:
            return self._ask(s, txt.NOTICE_STALE)
        new = replace(s, locale=chosen[0])
        if new.node is Node.DANGER and not new.return_to_review:  # still the first screen
            return self._begin(new, txt.NOTICE_LANGUAGE, new.answers)
        return self._ask(new, txt.NOTICE_LANGUAGE)

    def _answer(self, s: IntakeState, value: str, at: datetime) -> Step:
        """A button of the current question was pressed (not Skip)."""
        a, node = s.answers, s.node
        if node is Node.DANGER and value in ("yes", "no"):
            if value == "yes":
                return self._ask(replace(s, node=Node.URGENT, answers=replace(a, in_danger=True)))
            return self._advance(s, replace(a, in_danger=False, now_in=None))
        if node is Node.URGENT:
            return self._urgent(s, value, at)
        if node is Node.INDICATORS:
            return self._indicators(s, value)
        if node is Node.PLACE_KIND and value in place_kinds(a.child_path):
            picked = replace(a, place_kind=value, place=None, place_text=None)
            return self._ask(replace(s, node=PLACE_LIST_NODES[value], answers=picked))
        if node in PLACE_LIST_NODES.values() and value == cb.BACK:
            return self._ask(replace(s, node=Node.PLACE_KIND))
        if node is Node.STORY and value == "clear":
            return self._ask(replace(s, answers=replace(a, story=None)), txt.NOTICE_STORY_CLEARED)
        if node is Node.REVIEW:
            return self._review(s, value, at)
        if node in OPTION_LISTS and self.catalog.label(OPTION_LISTS[node], value) is not None:
            return self._option(s, value)
        return self._ask(s, txt.NOTICE_STALE)

    def _urgent(self, s: IntakeState, value: str, at: datetime) -> Step:
        """The fast lane: say where (the numbers reorder in place), or send now."""
        if value in COUNTRIES:
            return self._ask(replace(s, answers=replace(s.answers, now_in=value)), edit=True)
        if value != "send":
            return self._ask(s, txt.NOTICE_STALE)
        if s.linked is not None:
            return self._advance(s, s.answers)
        report = s.answers.report(at, s.locale, fast_lane=True)
        return Transition(s, (), (FileUrgent(report),))

    def _urgent_filed(self, s: IntakeState, event: UrgentFiled) -> Step:
        """The urgent ticket exists: remember it (only while this report is in progress)."""
        linked = replace(s, linked=event.reference, linked_at=event.at)
        return self._advance(linked, s.answers, notice=msg.urgent_filed(event.reference))

    def _option(self, s: IntakeState, value: str) -> Step:
        """A single-choice answer from a catalog list; a child's answer opens the child path."""
        a = nav.SETTERS[s.node](s.answers, value)
        if a.child_path and not s.answers.child_path:
            thanks = txt.CHILD_THANKS_FORUM if a.reporter_role == "forum_anak" else \
                txt.CHILD_THANKS
            return self._advance(s, a, (Reply(thanks),))
        return self._advance(s, a)

    def _indicators(self, s: IntakeState, value: str) -> Step:
        if value == cb.DONE:
            return self._advance(s, s.answers)
        ids = [o.id for o in self.catalog.indicators]
        offered = {o.id for o in indicator_options(self.catalog, s.answers.child_path)}
        if value not in offered:
            return self._ask(s, txt.NOTICE_STALE)
        chosen = set(s.answers.indicators) ^ {value}
        toggled = tuple(i for i in ids if i in chosen)
        return self._ask(replace(s, answers=replace(s.answers, indicators=toggled)), edit=True)

    def _review(self, s: IntakeState, value: str, at: datetime) -> Step:
        a = s.answers
        if value == "send" and s.linked is None and a.report(at, s.locale).low_information:
            return Transition(s, (empty_check(),))  # asked once per Send: anyway, or add
        if value in ("send", "anyway"):
            if s.linked is not None:
                final = AddToReport(s.linked, a.report(at, s.locale), final=True)
                sending = replace(s, node=Node.SUBMITTING, return_to_review=False)
                return Transition(sending, (), (final,))
            sending = replace(s, node=Node.SUBMITTING, return_to_review=False)
            return Transition(sending, (), (SubmitReport(a.report(at, s.locale)),))
        if value == "nostory" and a.story:
            return self._ask(replace(s, answers=replace(a, story=None)), txt.NOTICE_STORY_CLEARED)
        if value == "nofiles" and a.attachments:
            return self._ask(replace(s, answers=replace(a, attachments=())),
                             txt.NOTICE_FILES_CLEARED)
        if value in review_sections(a, s.linked is not None):
            return self._ask(replace(s, node=nav.SECTION_START[value], return_to_review=True))
        return self._ask(s, txt.NOTICE_STALE)

    def _filed(self, s: IntakeState, reference: str) -> Step:
        """The report is on its ticket: confirm; the DONE state keeps no reference (§3)."""
        done = IntakeState(Node.DONE, Answers(), s.locale)
        confirm = msg.confirmation(self.catalog, reference, s.answers, s.locale,
                                   s.linked is not None)
        return Transition(done, (Reply(confirm),))

    def _advance(self, s: IntakeState, answers: Answers, before: tuple[Reply, ...] = (),
                 notice: Text | None = None) -> Step:
        """Store `answers` and ask the next question (or return to the review)."""
        nxt = nav.next_node(s.node, answers, s.return_to_review)
        review = s.return_to_review and nxt is not Node.REVIEW
        return self._ask(replace(s, node=nxt, answers=answers, return_to_review=review), notice,
                         before=before)

    # --- typed text and media --------------------------------------------------------------

    def _text(self, s: IntakeState, text: str) -> Step:
        typed = text.strip()
        a = s.answers
        if not typed:
            return self._ask(s, txt.NOTICE_EMPTY if s.node in FREE_TEXT_NODES
                             else txt.NOTICE_BUTTONS)
        if s.node is Node.STORY:
            added, problem = keep.add_words(a, typed)
            return self._ask(s, problem) if problem else self._advance(s, added)
        if s.node in (Node.PLACE_KIND, Node.PLACE_TYPED) and not a.child_path:
            at_typed = replace(s, node=Node.PLACE_TYPED)
            if len(typed) > PLACE_TEXT_LIMIT:
                return self._ask(at_typed, msg.too_long(len(typed), PLACE_TEXT_LIMIT))
            placed = replace(a, place_kind="typed", place=None, place_text=typed)
            return self._advance(at_typed, placed)
        # Words typed where a button is expected are kept with the story, never dropped.
        added, problem = keep.add_words(a, typed)
        return self._ask(replace(s, answers=added), problem or txt.NOTICE_TEXT_KEPT)

    def _media(self, s: IntakeState, event: MediaEvent) -> Step:
        kept = keep.keep_media(s.answers, event)
        new = replace(s, answers=kept.answers)
        if kept.notice is None:
            return Transition(new)  # the rest of an album: the first item was acknowledged
        return self._ask(new, kept.notice)

