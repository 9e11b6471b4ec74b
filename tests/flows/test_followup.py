"""The follow-up in the intake flow: the contact choice, receipts, /status, adding, replying."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from flows.core import ButtonEvent, MediaEvent, TextEvent
from flows.domain import receipt as rc
from flows.domain.ticket import TicketStatus
from flows.intake import ReportFiled, SubmitReport, dump_state, load_state
from flows.intake.followup.effects import (
    AddFromReporter,
    CheckReceipt,
    ReporterAdded,
    StatusChecked,
)
from flows.intake.followup.pending import Pending
from flows.intake.state import Node
from tests.flows.conftest import AT

REF = "TPPO-7KQ2XM"


def _all_data(d) -> list[str]:
    return [b.data for r in d.last.replies for row in r.keyboard for b in row]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCDE-FGHJK-MNPQR-STVWX", "ABCDEFGHJKMNPQRSTVWX"),
        ("abcde fghjk mnpqr stvwx", "ABCDEFGHJKMNPQRSTVWX"),
        ("ABCDEFGHJKMNPQRSTVWX", "ABCDEFGHJKMNPQRSTVWX"),
        ("0I1L0-OOOOO-11111-22222", "01110000001111122222"),  # O/0, I/L/1 confusions
        ("ABCDE-FGHJK-MNPQR-STVW", None),  # one short
        ("ABCDE-FGHJK-MNPQR-STVWXY", None),  # one long
        ("ABCDE-FGHJK-MNPQR-STVWU", None),  # U is never in a receipt
        ("<b>ABCDE</b>", None),
        ("A" * 500, None),
    ],
)
def test_receipts_read_forgivingly(typed: str, expected: str | None) -> None:
    assert rc.normalize(typed) == expected


def test_receipts_show_in_groups_and_hold_at_least_90_bits() -> None:
    assert rc.display("ABCDEFGHJKMNPQRSTVWX") == "ABCDE-FGHJK-MNPQR-STVWX"
    assert rc.LENGTH * 5 >= 90 and len(rc.ALPHABET) == 32
    assert rc.normalize(rc.display("ABCDEFGHJKMNPQRSTVWX")) == "ABCDEFGHJKMNPQRSTVWX"


def test_no_contact_is_the_default_and_the_review_can_allow_follow_up(at):
    d = at(Node.REVIEW)
    assert "No contact. Nothing links you" in d.said
    assert "1|rv|contact" in d.data
    d.press("1|rv|contact")
    assert d.state.answers.followup and "Through this chat" in d.said
    assert "1|rv|nocontact" in d.data
    d.press("1|rv|send")
    assert d.last.effects == (SubmitReport(d.last.effects[0].report, followup=True),)
    d.send(ReportFiled(AT, REF, receipt="ABCDE-FGHJK-MNPQR-STVWX"))
    said = d.said
    assert "ABCDE-FGHJK-MNPQR-STVWX" in said and "follow-up through this chat" in said
    assert "/hapus" in said
    dumped = json.dumps(dump_state(d.state))
    assert "ABCDE" not in dumped and REF not in dumped  # neither is kept


def test_skipping_the_choice_sends_with_no_contact_and_says_so(at):
    d = at(Node.REVIEW)
    d.press("1|rv|send")
    assert d.last.effects == (SubmitReport(d.last.effects[0].report, followup=False),)
    d.send(ReportFiled(AT, REF, receipt="ABCDE-FGHJK-MNPQR-STVWX"))
    assert "You chose <b>no contact</b>" in d.said and "receipt" in d.said


def test_status_is_checked_then_one_addition_goes_to_the_ticket(at):
    d = at(Node.WHEN)
    d.command("status", "abcde fghjk mnpqr stvwx")
    assert d.last.effects == (CheckReceipt("ABCDEFGHJKMNPQRSTVWX"),)
    d.send(StatusChecked(AT, reference=REF, status=TicketStatus.REFERRED, messages=("<b>hi</b>",)))
    assert "passed on to an agency" in d.said and "Tim Gugus Tugas" in d.said
    assert d.state.node is Node.WHEN  # the draft is not lost: its question comes again
    assert "1|fa|add" in _all_data(d)
    d.press("1|fa|add")
    assert d.state.pending == Pending(REF, AT, awaiting=True)
    d.text("They moved her to Tawau.")
    assert d.last.effects == (AddFromReporter(REF, text="They moved her to Tawau."),)
    assert d.state.pending is None and d.state.answers.story is None  # not the draft's
    d.send(ReporterAdded(AT, added=True))
    assert "added to the report" in d.said


def test_a_closed_ticket_shows_its_status_without_adding(at):
    d = at(Node.WHEN)
    d.command("status", "ABCDEFGHJKMNPQRSTVWX")
    d.send(StatusChecked(AT, reference=REF, status=TicketStatus.CLOSED))
    assert "closed" in d.said and "1|fa|add" not in _all_data(d) and d.state.pending is None


@pytest.mark.parametrize(
    ("event", "said"),
    [
        (StatusChecked(AT), "No report was found"),
        (StatusChecked(AT, throttled=True), "too many tries"),
    ],
)
def test_unknown_and_throttled_receipts(at, event: StatusChecked, said: str):
    d = at(Node.WHEN)
    d.command("status", "ABCDEFGHJKMNPQRSTVWX")
    d.send(event)
    assert said in d.said and d.state.pending is None


def test_a_reply_button_awaits_one_message_checked_by_contact(driver):
    d = driver()
    d.press("1|fr|7kq2xm")
    assert d.state.pending == Pending(REF, AT, awaiting=True, by_contact=True)
    d.send(MediaEvent(AT, "photo", file_id="f1", file_unique_id="u1", caption="<i>here</i>"))
    (effect,) = d.last.effects
    assert isinstance(effect, AddFromReporter)
    assert effect.by_contact and effect.reference == REF and effect.text == "<i>here</i>"
    assert effect.attachment is not None and effect.attachment.kind == "photo"


def test_the_pending_reference_is_forgotten_after_its_window(driver):
    d = driver()
    d.press("1|fr|7kq2xm")
    later = AT + timedelta(minutes=31)
    d.send(TextEvent(later, "hello"))
    assert d.state.pending is None and d.state.node is Node.DANGER  # an ordinary first text
    assert d.last.effects == ()


def test_forged_or_stale_follow_up_buttons_do_nothing(driver):
    d = driver()
    d.press("1|fa|add")  # no receipt was checked here
    assert d.state.pending is None and d.last.effects == ()
    d.send(ButtonEvent(AT, "1|fr|ilou00"))  # not a reference
    assert d.state.pending is None


def test_pending_survives_the_state_codec_and_bad_data_is_refused(driver):
    d = driver()
    d.press("1|fr|7kq2xm")
    data = dump_state(d.state)
    assert load_state(data) == d.state
    broken = dict(data, pending={**data["pending"], "reference": "<script>"})
    assert load_state(broken) is None
    assert load_state(dict(data, pending=dict(data["pending"], awaiting="yes"))) is None
    assert replace(d.state, pending=None) == load_state(dict(data, pending=None))
