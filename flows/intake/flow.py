"""The reporter's intake conversation: one anonymous TPPO report, one question per message.

`IntakeFlow.step(state, event)` is pure: it returns the new state, the replies for the chat and
the effects for the adapter (`SubmitReport`, `FileUrgent`, `AddToReport`, `ForgetMe`). Bad
input is a transition, never an exception. The flow is drawn in intake.md beside this module;
`steps` builds the replies, `fastlane` the danger fast lane, `keep` what typed words and media
do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from flows.core import (
    ButtonEvent,
    CommandEvent,
    Event,
    MediaEvent,
    Reply,
    TextEvent,
    Transition,
)
from flows.core.errors import FlowError
from flows.domain.catalog import Catalog
from flows.intake import callbacks as cb
from flows.intake import fastlane, keep, nav
from flows.intake import messages as msg
from flows.intake import text as txt
from flows.intake.ask import (
    OPTION_LISTS,
    indicator_options,
    language_keyboard,
    place_kinds,
    resume_keyboard,
    stop_keyboard,
)
from flows.intake.effects import (
    INTAKE_EFFECTS,
    AddToReport,
    ForgetMe,
    ReportFiled,
    SubmitReport,
    UrgentFiled,
)
from flows.intake.followup import steps as fu
from flows.intake.followup.effects import FOLLOWUP_EFFECTS
from flows.intake.review import empty_check, review_sections
from flows.intake.state import (
    ACTIVE_NODES,
    PLACE_LIST_NODES,
    Answers,
    IntakeState,
    Node,
    dump_state,
    load_state,
)
from flows.intake.steps import advance, ask, begin, filed, stop

Step = Transition[IntakeState]

_START = frozenset({"start", "lapor", "report"})
_CANCEL = frozenset({"batal", "cancel"})
_HELP = frozenset({"bantuan", "help"})
_LANGUAGE = frozenset({"bahasa", "language"})
_DELETE = frozenset({"hapus", "delete"})
_STATUS = frozenset({"status"})


def _in_progress(s: IntakeState) -> bool:
    return nav.in_progress(s.node, s.answers)


def _forget(s: IntakeState) -> Transition[IntakeState]:
    """/hapus or "Delete this chat": the draft, our data and the chat's recent messages go."""
    idle = IntakeState(Node.IDLE, Answers(), s.locale)
    return Transition(idle, (Reply(txt.FORGET),), (ForgetMe(),))


class IntakeFlow:
    """The intake state machine over a `Catalog` of options (a `flows.core.Flow`)."""

    name = "intake"
    effects = INTAKE_EFFECTS | FOLLOWUP_EFFECTS

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
        # Offered in this order (/bahasa): the deployment's own language first.
        self.locales = (default_locale, *(loc for loc in locales if loc != default_locale))

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
        s, closed = fastlane.expired(s, event.at)
        step = fastlane.with_push(s, self._dispatch(s, event), event.at)
        return replace(step, replies=(*closed, *step.replies)) if closed else step

    def _dispatch(self, s: IntakeState, event: Event) -> Step:
        c = self.catalog
        s = fu.expired(s, event.at)
        if isinstance(event, ReportFiled):
            return filed(c, s, event.reference, event.receipt)
        followup = fu.dispatch(c, s, event)
        if followup is not None:
            return followup
        if isinstance(event, UrgentFiled):
            return fastlane.on_filed(c, s, event)
        if isinstance(event, CommandEvent):
            return self._command(s, event)
        if isinstance(event, ButtonEvent):
            return self._button(s, event)
        if s.node is Node.IDLE:
            return keep.first_message(s, event, self.locales)
        if s.node not in ACTIVE_NODES:
            return ask(c, s)
        if isinstance(event, TextEvent):
            return keep.on_text(c, s, event.text)
        if isinstance(event, MediaEvent):
            return keep.on_media(c, s, event)
        return Transition(s)

    # --- commands --------------------------------------------------------------------------

    def _command(self, s: IntakeState, event: CommandEvent) -> Step:
        command, c = event.command, self.catalog
        if command in _START:
            if _in_progress(s):
                return Transition(s, (Reply(txt.RESUME_OFFER, resume_keyboard()),))
            return begin(s, self.locales, language=event.language)
        if command in _CANCEL:  # typed on purpose: no second question
            if s.pending is not None and s.pending.awaiting:
                return fu.cancel(c, s)
            return stop(c, s)
        if command in _HELP:
            return ask(c, s, before=(Reply(msg.help_message(c, s.answers, s.locale)),))
        if command in _LANGUAGE:
            return Transition(s, (Reply(txt.CHOOSE_LANGUAGE, language_keyboard(self.locales)),))
        if command in _DELETE:
            return _forget(s)
        if command in _STATUS:
            return fu.status(c, s, event.args)
        return ask(c, s, txt.UNKNOWN_COMMAND)

    # --- buttons ---------------------------------------------------------------------------

    def _button(self, s: IntakeState, event: ButtonEvent) -> Step:
        data, c = cb.parse(event.data), self.catalog
        if data is None:
            return ask(c, s, txt.NOTICE_STALE)
        if data.code == cb.STOP and data.value in ("stop", "yes"):
            if data.value == "stop" and _in_progress(s):  # a slip must not lose a draft
                confirm = txt.STOP_CONFIRM_LINKED if s.linked else txt.STOP_CONFIRM
                return Transition(s, (Reply(confirm, stop_keyboard()),))
            return stop(c, s)
        if data.code == cb.WIPE and data.value == "chat":
            return _forget(s)
        if data.code == cb.LANGUAGE:
            return self._language(s, data.value)
        if data.code in (cb.ADD_INFO, cb.REPLY):
            return fu.button(c, s, data, event.at)
        if data.code == cb.RESUME and _in_progress(s) and data.value in ("go", "new"):
            return ask(c, s) if data.value == "go" else begin(s, self.locales)
        if s.node not in ACTIVE_NODES or cb.NODE_CODES[s.node] != data.code:
            return ask(c, s, txt.NOTICE_STALE)
        if data.value == cb.HEADING and s.node is Node.INDICATORS:
            return Transition(s)  # a heading of the list: nothing to do
        if data.value == cb.SKIP and s.node is not Node.REVIEW:
            return advance(c, s, s.answers)  # Skip keeps whatever was answered before
        return self._answer(s, data.value, event.at)

    def _language(self, s: IntakeState, value: str) -> Step:
        chosen = [loc for loc in self.locales if loc.lower() == value]
        if not chosen:
            return ask(self.catalog, s, txt.NOTICE_STALE)
        new = replace(s, locale=chosen[0])
        if new.node is Node.DANGER and not new.return_to_review:  # still the first screen
            return begin(new, self.locales, txt.NOTICE_LANGUAGE, new.answers)
        return ask(self.catalog, new, txt.NOTICE_LANGUAGE)

    def _answer(self, s: IntakeState, value: str, at: datetime) -> Step:
        """A button of the current question was pressed (not Skip)."""
        a, node, c = s.answers, s.node, self.catalog
        if node is Node.DANGER and value in ("yes", "no"):
            if value == "yes":
                return ask(c, replace(s, node=Node.URGENT, answers=replace(a, in_danger=True)))
            return advance(c, s, replace(a, in_danger=False, now_in=None))
        if node is Node.URGENT:
            return fastlane.on_urgent(c, s, value, at)
        if node is Node.INDICATORS:
            return self._indicators(s, value)
        if node is Node.PLACE_KIND and value in place_kinds(a.child_path):
            picked = replace(a, place_kind=value, place=None, place_text=None)
            return ask(c, replace(s, node=PLACE_LIST_NODES[value], answers=picked))
        if node in PLACE_LIST_NODES.values() and value == cb.BACK:
            return ask(c, replace(s, node=Node.PLACE_KIND))
        if node is Node.STORY and value == "clear":
            return ask(c, replace(s, answers=replace(a, story=None)), txt.NOTICE_STORY_CLEARED)
        if node is Node.REVIEW:
            return self._review(s, value, at)
        if node in OPTION_LISTS and c.label(OPTION_LISTS[node], value) is not None:
            return self._option(s, value)
        return ask(c, s, txt.NOTICE_STALE)

    def _option(self, s: IntakeState, value: str) -> Step:
        """A single-choice answer from a catalog list; a child's answer opens the child path."""
        a = nav.SETTERS[s.node](s.answers, value)
        if a.child_path and not s.answers.child_path:
            thanks = txt.CHILD_THANKS_FORUM if a.reporter_role == "forum_anak" else txt.CHILD_THANKS
            return advance(self.catalog, s, a, (Reply(thanks),))
        return advance(self.catalog, s, a)

    def _indicators(self, s: IntakeState, value: str) -> Step:
        if value == cb.DONE:
            return advance(self.catalog, s, s.answers)
        ids = [o.id for o in self.catalog.indicators]
        offered = {o.id for o in indicator_options(self.catalog, s.answers.child_path)}
        if value not in offered:
            return ask(self.catalog, s, txt.NOTICE_STALE)
        chosen = set(s.answers.indicators) ^ {value}
        toggled = tuple(i for i in ids if i in chosen)
        return ask(
            self.catalog, replace(s, answers=replace(s.answers, indicators=toggled)), edit=True
        )

    def _review(self, s: IntakeState, value: str, at: datetime) -> Step:
        a, c = s.answers, self.catalog
        if value == "send" and s.linked is None and a.report(at, s.locale).low_information:
            return Transition(s, (empty_check(),))  # asked once per Send: anyway, or add
        if value in ("send", "anyway"):
            sending = replace(s, node=Node.SUBMITTING, return_to_review=False)
            report = a.report(at, s.locale)
            if s.linked is not None:  # the fast lane's ticket: add to it, never a second one
                add = AddToReport(s.linked, report, final=True, followup=a.followup)
                return Transition(sending, (), (add,))
            return Transition(sending, (), (SubmitReport(report, a.followup),))
        if value in ("contact", "nocontact"):
            return ask(c, replace(s, answers=replace(a, followup=value == "contact")), edit=True)
        if value == "nostory" and a.story:
            return ask(c, replace(s, answers=replace(a, story=None)), txt.NOTICE_STORY_CLEARED)
        if value == "nofiles" and a.attachments:
            return ask(c, replace(s, answers=replace(a, attachments=())), txt.NOTICE_FILES_CLEARED)
        if value in review_sections(a, s.linked is not None):
            return ask(c, replace(s, node=nav.SECTION_START[value], return_to_review=True))
        return ask(c, s, txt.NOTICE_STALE)
