"""The triage flow as a pure function: commands and buttons in, effects and words out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.infra.i18n import Translator
from flows.core import ButtonEvent, CommandEvent, MediaEvent, Place, TextEvent
from flows.domain.duty.staff import Role, StaffMember
from flows.domain.referral import Agency, Outcome
from flows.domain.triage import Claim, Close, CloseReason, ListScope, RecordOutcome, Refer, Reopen
from flows.triage import TriageFlow, TriageState, Who
from flows.triage.callbacks import Code, Press, encode, is_triage, parse
from flows.triage.effects import (
    Act,
    AddNote,
    AddStaff,
    AssignTo,
    ListStaff,
    ListTickets,
    RemoveStaff,
    ShowChoices,
    ShowDuty,
    ShowStats,
    ShowTicket,
    TakeDuty,
)
from flows.triage.state import PENDING_FOR, dump_state, load_state
from tests.triage.triagekit import AT, SITI, Staffer, show

REF = "TPPO-7KQ2XM"
WHO = Who(SITI)


@pytest.mark.parametrize(
    ("command", "args", "effect"),
    [
        ("tiket", "", ListTickets(WHO, ListScope.OPEN)),
        ("tickets", "SAYA", ListTickets(WHO, ListScope.MINE)),
        ("tiket", "semua", ListTickets(WHO, ListScope.ALL)),
        ("lihat", "7kq2xm", ShowTicket(WHO, REF)),
        ("show", REF, ShowTicket(WHO, REF)),
        ("ambil", REF, Act(WHO, REF, Claim())),
        ("tugaskan", REF, ShowChoices(WHO, REF, "assign")),
        ("assign", f"{REF} 102", AssignTo(WHO, REF, "102")),
        ("tugaskan", f"{REF} Budi Santoso", AssignTo(WHO, REF, "Budi Santoso")),
        (
            "catatan",
            f"{REF}   Sudah   telepon  keluarga ",
            AddNote(WHO, REF, "Sudah   telepon  keluarga"),
        ),
        ("rujuk", f"{REF} polisi", Act(WHO, REF, Refer(Agency.POLRES))),
        (
            "refer",
            f"{REF} kk accepted",
            Act(WHO, REF, RecordOutcome(Agency.KJRI_KK, Outcome.ACCEPTED)),
        ),
        ("tutup", f"{REF} bukan_tppo", Act(WHO, REF, Close(CloseReason.NOT_TRAFFICKING))),
        ("close", f"{REF} spam", Act(WHO, REF, Close(CloseReason.SPAM))),
        ("buka", REF, Act(WHO, REF, Reopen())),
        ("piket", "", ShowDuty(WHO)),
        ("piket", "ambil", TakeDuty(WHO, None)),
        ("duty", "take 1h30m", TakeDuty(WHO, 90)),
        ("statistik", "", ShowStats(WHO)),
        ("staf", "", ListStaff(WHO)),
    ],
)
def test_commands_become_effects(flow: TriageFlow, command: str, args: str, effect: object) -> None:
    step = Staffer(flow).send(CommandEvent(AT, command, args))
    assert step.effects == (effect,) and step.replies == ()


@pytest.mark.parametrize(
    ("command", "args", "said"),
    [
        ("tiket", "x", "Usage: /tiket [baru|mendesak|saya|semua]"),
        ("tiket", "baru saya", "Usage: /tiket"),
        ("lihat", "", "Usage: /lihat TPPO-XXXXXX"),
        ("lihat", "TPPO-12345", "Usage: /lihat"),
        ("lihat", f"{REF} extra", "Usage: /lihat"),
        ("ambil", "TPPO-ILOU00", "Usage: /ambil"),  # I, L, O, U are not in references
        ("rujuk", f"{REF} fbi", "Usage: /rujuk"),
        ("rujuk", f"{REF} polres maybe", "Usage: /rujuk"),
        ("tutup", f"{REF} bosan", "Usage: /tutup"),
        ("piket", "ambil 25h", "Usage: /piket"),
        ("piket", "tidur", "Usage: /piket"),
        ("staf", "tambah 0 X", "Usage: /staf"),
        ("staf", "tambah 105", "Usage: /staf"),
        ("staf", "tambah 105 Dewi", "Only coordinators can change the staff register."),
        ("balas", f"{REF}", "/balas TPPO-7KQ2XM your message"),
        ("bantuan", "", "/tiket [baru|mendesak|saya|semua]"),
        ("start", "", "Staff commands"),
        ("batal", "", "Nothing to cancel."),
        ("xyz", "", "Unknown command."),
    ],
)
def test_bad_or_missing_arguments_get_one_line(
    flow: TriageFlow, translator: Translator, command: str, args: str, said: str
) -> None:
    step = Staffer(flow).send(CommandEvent(AT, command, args))
    assert step.effects == () and len(step.replies) == 1
    assert said in show(translator, step.replies)


def test_coordinators_change_the_register(flow: TriageFlow) -> None:
    ani = StaffMember(104, "Ani", Role.COORDINATOR)
    staffer = Staffer(flow, ani)
    who = Who(ani)
    assert staffer.send(
        CommandEvent(AT, "staf", "tambah 105 Dewi  Lestari koordinator")
    ).effects == (AddStaff(who, StaffMember(105, "Dewi Lestari", Role.COORDINATOR)),)
    assert staffer.send(CommandEvent(AT, "staff", "add 106 Eko")).effects == (
        AddStaff(who, StaffMember(106, "Eko")),
    )
    assert staffer.send(CommandEvent(AT, "staf", "hapus 105")).effects == (RemoveStaff(who, 105),)


def test_strangers_get_a_short_refusal_and_nothing_happens(
    flow: TriageFlow, translator: Translator
) -> None:
    for event in (CommandEvent(AT, "ambil", REF), ButtonEvent(AT, encode(Code.CLAIM, REF))):
        step = Staffer(flow, actor=None).send(event)
        assert step.effects == ()
        assert show(translator, step.replies) == (
            "[toast] Only registered task-force staff can use this."
        )


@pytest.mark.parametrize(
    ("code", "args"),
    [
        (Code.SHOW, ()),
        (Code.CLAIM, ()),
        (Code.ASSIGN_MENU, ()),
        (Code.ASSIGN, ("4503599627370495",)),
        (Code.NOTE, ()),
        (Code.REFER_MENU, ()),
        (Code.REFER, ("kjri_tawau",)),
        (Code.OUTCOME_MENU, ()),
        (Code.OUTCOME, ("uptd_ppa", "no_response")),
        (Code.CLOSE_MENU, ()),
        (Code.CLOSE, ("not_trafficking",)),
        (Code.REOPEN, ()),
        (Code.POST_CARD, ()),
        (Code.DISMISS, ()),
    ],
)
def test_button_data_is_short_versioned_and_round_trips(code: Code, args: tuple[str, ...]) -> None:
    data = encode(code, REF, *args)
    assert data.startswith("t1|") and len(data.encode()) <= 64 and is_triage(data)
    assert parse(data) == Press(code, REF, args)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "t1",
        "t1|cl",
        "t1|cl|TPPO-7KQ2X",
        f"t1|cl|{REF}|x",
        f"t1|zz|{REF}",
        f"t2|cl|{REF}",
        f"t1|as|{REF}|0",
        f"t1|as|{REF}|abc",
        f"t1|rf|{REF}|fbi",
        f"t1|ro|{REF}|polres|pending",
        f"t1|cz|{REF}|bored",
        "1|rv|send",
        "x" * 65,
        f"t1|cl|{REF}\u00e9",
        f"t1|cl|{REF.lower()}",
    ],
)
def test_forged_or_stale_data_changes_nothing(
    flow: TriageFlow, translator: Translator, data: str
) -> None:
    step = Staffer(flow).send(ButtonEvent(AT, data))
    assert step.effects == ()
    assert show(translator, step.replies) == "[toast] That button is no longer active."


def test_buttons_become_effects_and_menus(flow: TriageFlow, translator: Translator) -> None:
    staffer = Staffer(flow)
    pressed = Who(SITI, button=True)
    assert staffer.send(ButtonEvent(AT, encode(Code.CLAIM, REF))).effects == (
        Act(pressed, REF, Claim()),
    )
    menu = Who(SITI, button=True, menu=True)
    assert staffer.send(ButtonEvent(AT, encode(Code.CLOSE, REF, "spam"))).effects == (
        Act(menu, REF, Close(CloseReason.SPAM)),
    )
    closing = staffer.send(ButtonEvent(AT, encode(Code.CLOSE_MENU, REF)))
    assert closing.effects == () and "Close TPPO-7KQ2XM: why?" in show(translator, closing.replies)
    dismissed = staffer.send(ButtonEvent(AT, encode(Code.DISMISS, REF)))
    assert show(translator, dismissed.replies) == "[edit] Closed without changes."


def test_a_note_asked_for_in_the_group_is_the_next_reply_to_the_bot(
    flow: TriageFlow, translator: Translator
) -> None:
    staffer = Staffer(flow)
    asked = staffer.send(ButtonEvent(AT, encode(Code.NOTE, REF)))
    assert asked.effects == () and asked.state == TriageState(REF, AT)
    assert show(translator, asked.replies).startswith(
        "[force_reply] 📝 Reply to this message with your note for TPPO-7KQ2XM"
    )
    soon = AT + timedelta(minutes=2)
    chatter = staffer.send(TextEvent(soon, "makan siang?"))  # not a reply to the bot
    assert chatter.replies == () and chatter.effects == () and chatter.state == asked.state
    assert staffer.send(MediaEvent(soon, "sticker")).effects == ()
    too_long = staffer.send(TextEvent(soon, "x" * 1001), reply_to_bot=True)
    assert "at most 1000 characters; this one has 1001" in show(translator, too_long.replies)
    noted = staffer.send(TextEvent(soon, "  Keluarga dihubungi. "), reply_to_bot=True)
    assert noted.effects == (AddNote(Who(SITI), REF, "Keluarga dihubungi."),)
    assert noted.state == TriageState()


def test_a_note_request_expires_and_can_be_cancelled(
    flow: TriageFlow, translator: Translator
) -> None:
    staffer = Staffer(flow)
    staffer.send(CommandEvent(AT, "catatan", REF))
    late = AT + PENDING_FOR + timedelta(seconds=1)
    ignored = staffer.send(TextEvent(late, "later words"), reply_to_bot=True)
    assert ignored.effects == () and ignored.state == TriageState()
    staffer.send(CommandEvent(AT, "note", REF))
    cancelled = staffer.send(CommandEvent(AT, "batal"))
    assert show(translator, cancelled.replies) == "[message] Note cancelled."
    assert cancelled.state == TriageState()


def test_in_a_private_chat_a_note_needs_its_text(flow: TriageFlow, translator: Translator) -> None:
    staffer = Staffer(flow, private=True)
    step = staffer.send(ButtonEvent(AT, encode(Code.NOTE, REF)))
    assert step.state == TriageState() and show(translator, step.replies) == (
        "[toast] Usage: /catatan TPPO-XXXXXX text"
    )


def test_only_staff_commands_and_buttons_come_to_triage_in_a_private_chat() -> None:
    accepts = TriageFlow.accepts_private
    assert accepts(CommandEvent(AT, "tiket")) and accepts(CommandEvent(AT, "claim"))
    assert accepts(ButtonEvent(AT, f"t1|cl|{REF}")) and accepts(ButtonEvent(AT, "t9|x"))
    for reporter in ("start", "bantuan", "batal", "lapor", "hapus", "bahasa", "status"):
        assert not accepts(CommandEvent(AT, reporter))
    assert not accepts(ButtonEvent(AT, "1|dg|yes")) and not accepts(TextEvent(AT, "/tiket"))
    assert Place.PRIVATE  # the router's place for these rules


def test_the_state_codec(flow: TriageFlow) -> None:
    state = TriageState(REF, AT, private=False)
    assert load_state(dump_state(state)) == state
    assert load_state(dump_state(TriageState())) == TriageState()
    for bad in (
        {"v": 2},
        {"v": 1, "note_for": "nope", "since": AT.isoformat()},
        {"v": 1, "note_for": REF, "since": "yesterday"},
        {},
    ):
        assert load_state(bad) is None
    assert flow.locale(state) == "en"
