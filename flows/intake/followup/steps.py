"""The reporter's side of the follow-up: /status by receipt, adding information to a ticket
found that way, and answering a message the task force relayed (see flows/followup).

A reference lives in the state only while one message may be added (`Pending`, at most
`PENDING_WINDOW`); the adapter checks the receipt, and that this chat is the contact of a
ticket named by a Reply button, before anything reaches a ticket.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flows.core import Button, Event, MediaEvent, Reply, TextEvent, Transition
from flows.domain import receipt as rc
from flows.domain.catalog import Catalog
from flows.domain.ticket import TicketStatus
from flows.intake import callbacks as cb
from flows.intake import text as txt
from flows.intake.followup import text as fu
from flows.intake.followup.effects import (
    AddFromReporter,
    CheckReceipt,
    ReporterAdded,
    StatusChecked,
)
from flows.intake.followup.pending import Pending
from flows.intake.keep import attachment
from flows.intake.state import ACTIVE_NODES, IntakeState
from flows.intake.steps import ask

Step = Transition[IntakeState]

# The most one added message may hold (the ticket's story holds 3000; a Telegram message 4096).
ADD_LIMIT = 3000


def then_question(c: Catalog, s: IntakeState, *replies: Reply) -> Step:
    """`replies`, then the current question again if a report is in progress."""
    if s.node in ACTIVE_NODES:
        return ask(c, s, before=replies)
    return Transition(s, replies)


def expired(s: IntakeState, now: datetime) -> IntakeState:
    """`s` without a pending reference older than its window."""
    if s.pending is not None and not s.pending.open_at(now):
        return replace(s, pending=None)
    return s


def status(c: Catalog, s: IntakeState, args: str) -> Step:
    """/status [RECEIPT]: explain, refuse what cannot be a receipt, or have it checked."""
    if not args.strip():
        return then_question(c, s, Reply(fu.STATUS_HOW))
    receipt = rc.normalize(args)
    if receipt is None:
        return then_question(c, s, Reply(fu.STATUS_BAD))
    return Transition(replace(s, pending=None), (), (CheckReceipt(receipt),))


def cancel(c: Catalog, s: IntakeState) -> Step:
    """/batal while an addition is awaited: nothing is added."""
    return then_question(c, replace(s, pending=None), Reply(fu.ADD_CANCELLED))


def _checked(c: Catalog, s: IntakeState, event: StatusChecked) -> Step:
    if event.throttled:
        return then_question(c, s, Reply(fu.STATUS_THROTTLED))
    if event.reference is None or event.status is None:
        return then_question(c, s, Reply(fu.STATUS_UNKNOWN))
    text = fu.status_text(event.reference, event.status, event.messages)
    if event.status is TicketStatus.CLOSED:
        return then_question(c, s, Reply(text))
    pending = Pending(event.reference, event.at)
    add = ((Button(fu.ADD_INFO, cb.encode(cb.ADD_INFO, "add")),),)
    return then_question(c, replace(s, pending=pending), Reply(text, add))


def dispatch(c: Catalog, s: IntakeState, event: Event) -> Step | None:
    """The follow-up's step for `event`, or None when it is not the follow-up's."""
    if isinstance(event, StatusChecked):
        return _checked(c, s, event)
    if isinstance(event, ReporterAdded):
        return then_question(c, s, Reply(fu.ADDED if event.added else fu.NOT_ADDED))
    p = s.pending
    if p is None or not p.awaiting or not isinstance(event, TextEvent | MediaEvent):
        return None
    if isinstance(event, TextEvent):
        words = event.text.strip()
        if not words:
            return Transition(s, (Reply(fu.REPLY_PROMPT if p.by_contact else fu.ADD_PROMPT),))
        if len(words) > ADD_LIMIT:
            return Transition(s, (Reply(fu.too_long(len(words), ADD_LIMIT)),))
        add = AddFromReporter(p.reference, text=words, by_contact=p.by_contact)
        return Transition(replace(s, pending=None), (), (add,))
    kept = attachment(event)
    if kept is None:
        return Transition(s, (Reply(fu.ADD_KIND),))
    caption = (event.caption or "").strip()[:ADD_LIMIT] or None
    add = AddFromReporter(p.reference, caption, kept, by_contact=p.by_contact)
    return Transition(replace(s, pending=None), (), (add,))


def button(c: Catalog, s: IntakeState, data: cb.Callback, at: datetime) -> Step:
    """Add information (to the ticket found by receipt), or Reply (to a relayed message)."""
    if data.code == cb.ADD_INFO:
        p = s.pending
        if p is None or p.by_contact or data.value != "add":
            return then_question(c, s, Reply(fu.ADD_EXPIRED))
        return Transition(replace(s, pending=replace(p, awaiting=True)), (Reply(fu.ADD_PROMPT),))
    reference = f"TPPO-{data.value.upper()}"
    if rc.reference_ok(reference):
        pending = Pending(reference, at, awaiting=True, by_contact=True)
        return Transition(replace(s, pending=pending), (Reply(fu.REPLY_PROMPT),))
    return then_question(c, s, Reply(txt.NOTICE_STALE))  # old or forged
