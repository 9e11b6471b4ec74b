"""The staff triage flow: commands and buttons in the task force's group (and in a staff
member's private chat with the bot), turned into effects; handlers' answers turned into words.

`TriageFlow.step` is pure. Who acts comes in the event (`StaffEvent`, from the register); what
needs data (tickets, the roster, the register) is an effect whose handler answers with an
`Answered` event. Drawn in triage.md beside this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import tzinfo
from typing import Any

from flows.core import (
    ButtonEvent,
    CommandEvent,
    Effect,
    Event,
    Reply,
    Text,
    TextEvent,
    Transition,
)
from flows.domain.catalog import Catalog
from flows.domain.referral import Agency, Outcome
from flows.domain.triage import (
    NOTE_LIMIT,
    Claim,
    Close,
    CloseReason,
    ListScope,
    RecordOutcome,
    Refer,
    Reopen,
)
from flows.triage import callbacks as cb
from flows.triage import commands as cmd
from flows.triage.callbacks import Code
from flows.triage.effects import (
    TRIAGE_EFFECTS,
    Act,
    AddNote,
    AddStaff,
    AssignTo,
    ListStaff,
    ListTickets,
    PostCard,
    RelayToReporter,
    RemoveStaff,
    SetHold,
    ShowChoices,
    ShowDuty,
    ShowStats,
    ShowTicket,
    TakeDuty,
    Who,
)
from flows.triage.events import Answered, StaffEvent
from flows.triage.render import keyboards as kb
from flows.triage.render import text as txt
from flows.triage.render.replies import answer
from flows.triage.state import TriageState, dump_state, load_state

Step = Transition[TriageState]
# The longest message to a reporter: it goes out with a heading, within Telegram's 4096.
RELAY_LIMIT = 3500


class TriageFlow:
    """Staff commands and buttons on tickets (a `flows.core.Flow`)."""

    name = "triage"
    effects = TRIAGE_EFFECTS

    def __init__(
        self, catalog: Catalog, zone: tzinfo, locale: str = "id", group_link: str | None = None
    ) -> None:
        """Staff read `locale`; times are shown in `zone`; `group_link` opens the group."""
        self.catalog = catalog
        self.zone = zone
        self.staff_locale = locale
        self.group_link = group_link

    def locale(self, state: TriageState) -> str:
        """Staff messages are in the staff language."""
        return self.staff_locale

    def dump(self, state: TriageState) -> dict[str, Any]:
        """The state as versioned JSON-safe data."""
        return dump_state(state)

    def load(self, data: Mapping[str, Any]) -> TriageState | None:
        """The stored state, or None when it cannot be trusted."""
        return load_state(data)

    @staticmethod
    def accepts_private(event: Event) -> bool:
        """In a staff member's private chat: staff commands and staff buttons only."""
        if isinstance(event, CommandEvent):
            return event.command in cmd.PRIVATE_COMMANDS
        return isinstance(event, ButtonEvent) and cb.is_triage(event.data)

    def step(self, state: TriageState | None, event: Event) -> Step:
        """Handle one event; `None` state is a staff member with nothing pending."""
        s = state or TriageState()
        if isinstance(event, Answered):
            return Transition(s, answer(event, self.catalog, self.zone, self.group_link))
        if not isinstance(event, StaffEvent):
            return Transition(s)
        if event.actor is None:
            return Transition(s, (Reply(txt.NOT_STAFF, toast=True),))
        inner = event.inner
        if isinstance(inner, CommandEvent):
            return self._command(s, event, inner)
        if isinstance(inner, ButtonEvent):
            return self._press(s, event, inner.data)
        if isinstance(inner, TextEvent):
            return self._text(s, event, inner)
        return Transition(s)  # stickers, photos... in the group: not for the bot

    # --- commands ------------------------------------------------------------------------

    def _command(self, s: TriageState, event: StaffEvent, inner: CommandEvent) -> Step:
        assert event.actor is not None
        name = cmd.COMMANDS.get(inner.command)
        if name is None:
            return _say(s, txt.UNKNOWN_COMMAND)
        who = Who(event.actor, private=event.private)
        words = inner.args.split()
        if name in ("tiket", "piket", "statistik", "staf", "bantuan", "batal"):
            return self._general(s, who, name, words)
        ref = cmd.reference(words[0]) if words else None
        if ref is None:
            return _say(s, txt.usage(name))
        rest = words[1:]
        if name == "catatan":
            return self._note(s, who, ref, inner.args.split(maxsplit=1)[1:], event)
        if name == "balas":
            return self._relay(s, who, ref, inner.args.split(maxsplit=1)[1:])
        if name == "tugaskan":
            effect = AssignTo(who, ref, " ".join(rest)) if rest else ShowChoices(who, ref, "assign")
            return Transition(s, (), (effect,))
        if name == "rujuk":
            return self._refer(s, who, ref, rest)
        if name == "tutup":
            return self._close(s, who, ref, rest)
        if name in ("tahan", "lepas"):
            if rest:
                return _say(s, txt.usage(name))
            if not who.actor.coordinator:
                return _say(s, txt.HOLD_COORDINATORS_ONLY)
            return Transition(s, (), (SetHold(who, ref, hold=name == "tahan"),))
        if rest:
            return _say(s, txt.usage(name))
        simple = {
            "lihat": ShowTicket(who, ref),
            "ambil": Act(who, ref, Claim()),
            "buka": Act(who, ref, Reopen()),
        }
        return Transition(s, (), (simple[name],))

    def _general(self, s: TriageState, who: Who, name: str, words: list[str]) -> Step:
        if name == "tiket":
            scope = cmd.SCOPES.get(words[0].lower()) if len(words) == 1 else ListScope.OPEN
            if len(words) > 1 or scope is None:
                return _say(s, txt.usage(name))
            return Transition(s, (), (ListTickets(who, scope),))
        if name == "piket":
            return self._duty(s, who, words)
        if name == "statistik":
            return Transition(s, (), (ShowStats(who),))
        if name == "staf":
            return self._staff(s, who, words)
        if name == "bantuan":
            return _say(s, txt.HELP)
        if s.note_for is not None:
            return Transition(TriageState(), (Reply(txt.NOTE_CANCELLED),))
        return _say(s, txt.NOTHING_TO_CANCEL)

    def _duty(self, s: TriageState, who: Who, words: list[str]) -> Step:
        if not words:
            return Transition(s, (), (ShowDuty(who),))
        if words[0].lower() not in ("ambil", "take") or len(words) > 2:
            return _say(s, txt.usage("piket"))
        minutes = cmd.minutes(words[1]) if len(words) == 2 else None
        if len(words) == 2 and minutes is None:
            return _say(s, txt.usage("piket"))
        return Transition(s, (), (TakeDuty(who, minutes),))

    def _staff(self, s: TriageState, who: Who, words: list[str]) -> Step:
        if not words or words[0].lower() in ("daftar", "list"):
            return Transition(s, (), (ListStaff(who),))
        change = cmd.staff_change(words)
        if change is None:
            return _say(s, txt.usage("staf"))
        if not who.actor.coordinator:
            return _say(s, txt.COORDINATORS_ONLY)
        if change.remove:
            return Transition(s, (), (RemoveStaff(who, change.user_id),))
        assert change.member is not None
        return Transition(s, (), (AddStaff(who, change.member),))

    def _note(self, s: TriageState, who: Who, ref: str, text: list[str], event: StaffEvent) -> Step:
        note = text[0].strip() if text else ""
        if not note:
            if who.private:  # a private chat's plain text is the reporter's flow: ask in full
                return _say(s, txt.usage("catatan"), toast=who.button)
            asked = TriageState(ref, event.at, private=False)
            return Transition(asked, (Reply(txt.note_prompt(ref, False), force_reply=True),))
        if len(note) > NOTE_LIMIT:
            return _say(s, txt.note_too_long(len(note), NOTE_LIMIT))
        return Transition(TriageState(), (), (AddNote(who, ref, note),))

    def _relay(self, s: TriageState, who: Who, ref: str, text: list[str]) -> Step:
        message = text[0].strip() if text else ""
        if not message:
            return _say(s, txt.reply_hint(ref))
        if len(message) > RELAY_LIMIT:
            return _say(s, txt.message_too_long(len(message), RELAY_LIMIT))
        return Transition(s, (), (RelayToReporter(who, ref, message),))

    def _refer(self, s: TriageState, who: Who, ref: str, rest: list[str]) -> Step:
        if not rest:
            return Transition(s, (Reply(txt.refer_menu(ref), kb.refer_menu(ref)),))
        agency = cmd.agency(rest[0])
        outcome = cmd.outcome(rest[1]) if len(rest) == 2 else None
        if agency is None or len(rest) > 2 or (len(rest) == 2 and outcome is None):
            return _say(s, txt.usage("rujuk"))
        action = Refer(agency) if outcome is None else RecordOutcome(agency, outcome)
        return Transition(s, (), (Act(who, ref, action),))

    def _close(self, s: TriageState, who: Who, ref: str, rest: list[str]) -> Step:
        if not rest:
            return Transition(s, (Reply(txt.close_menu(ref), kb.close_menu(ref)),))
        reason = cmd.close_reason(rest[0]) if len(rest) == 1 else None
        if reason is None:
            return _say(s, txt.usage("tutup"))
        return Transition(s, (), (Act(who, ref, Close(reason)),))

    # --- buttons -------------------------------------------------------------------------

    def _press(self, s: TriageState, event: StaffEvent, data: str) -> Step:
        assert event.actor is not None
        press = cb.parse(data)
        if press is None:
            return _say(s, txt.STALE, toast=True)
        code, ref, args = press.code, press.reference, press.args
        menu = code in (Code.ASSIGN, Code.REFER, Code.OUTCOME, Code.CLOSE)
        who = Who(event.actor, button=True, private=event.private, menu=menu)
        if code is Code.NOTE:
            return self._note(s, who, ref, [], event)
        if code is Code.REFER_MENU:
            return Transition(s, (Reply(txt.refer_menu(ref), kb.refer_menu(ref)),))
        if code is Code.CLOSE_MENU:
            return Transition(s, (Reply(txt.close_menu(ref), kb.close_menu(ref)),))
        if code is Code.REPLY:
            return _say(s, txt.reply_hint(ref))
        if code is Code.DISMISS:
            return Transition(s, (Reply(txt.DISMISSED, edit=True),))
        effects: dict[Code, Callable[[], Effect]] = {
            Code.SHOW: lambda: ShowTicket(who, ref),
            Code.CLAIM: lambda: Act(who, ref, Claim()),
            Code.ASSIGN_MENU: lambda: ShowChoices(who, ref, "assign"),
            Code.ASSIGN: lambda: AssignTo(who, ref, args[0]),
            Code.REFER: lambda: Act(who, ref, Refer(Agency(args[0]))),
            Code.OUTCOME_MENU: lambda: ShowChoices(who, ref, "outcome"),
            Code.OUTCOME: lambda: Act(who, ref, RecordOutcome(Agency(args[0]), Outcome(args[1]))),
            Code.CLOSE: lambda: Act(who, ref, Close(CloseReason(args[0]))),
            Code.REOPEN: lambda: Act(who, ref, Reopen()),
            Code.POST_CARD: lambda: PostCard(who, ref),
        }
        return Transition(s, (), (effects[code](),))

    # --- typed text ----------------------------------------------------------------------

    def _text(self, s: TriageState, event: StaffEvent, inner: TextEvent) -> Step:
        assert event.actor is not None
        ref = s.awaiting_note(inner.at, event.private)
        if ref is None:
            # Staff talk among themselves in the group: not for the bot. An old request for
            # a note is forgotten.
            return Transition(TriageState() if s.note_for else s)
        if not event.private and not event.reply_to_bot:
            return Transition(s)  # chatter while a note is awaited: the note is the reply
        return self._note(s, Who(event.actor, private=event.private), ref, [inner.text], event)


def _say(s: TriageState, text: Text, toast: bool = False) -> Step:
    return Transition(s, (Reply(text, toast=toast),))
