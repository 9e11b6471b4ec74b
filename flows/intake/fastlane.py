"""The danger fast lane: say where, send now, and put every later answer on the same ticket.

After "yes, someone is in danger", `on_urgent` handles the fast-lane screen: choosing a country
edits it in place, "Send now" asks the adapter to file an urgent ticket at once (`FileUrgent`).
`on_filed` links the conversation to that ticket; from then on `with_push` adds an
`AddToReport` to every step that changes the answers. The link is short-lived: `expired` lets
go of it after `LINK_WINDOW`, and Send, Stop, /hapus and "Start again" drop it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flows.core import Reply, Transition
from flows.domain.catalog import Catalog
from flows.domain.report import COUNTRIES
from flows.intake import keep
from flows.intake import messages as msg
from flows.intake import text as txt
from flows.intake.effects import AddToReport, FileUrgent, UrgentFiled
from flows.intake.state import ACTIVE_NODES, Answers, IntakeState, Node
from flows.intake.steps import advance, ask

Step = Transition[IntakeState]


def on_urgent(catalog: Catalog, s: IntakeState, value: str, at: datetime) -> Step:
    """A button of the fast-lane screen: where the person is (reorders the numbers), or send."""
    if value in COUNTRIES:
        return ask(catalog, replace(s, answers=replace(s.answers, now_in=value)), edit=True)
    if value != "send":
        return ask(catalog, s, txt.NOTICE_STALE)
    if s.linked is not None:
        return advance(catalog, s, s.answers)
    report = s.answers.report(at, s.locale, fast_lane=True)
    return Transition(s, (), (FileUrgent(report),))


def on_filed(catalog: Catalog, s: IntakeState, event: UrgentFiled) -> Step:
    """The urgent ticket exists: remember it (only while this report is in progress)."""
    linked = replace(s, linked=event.reference, linked_at=event.at)
    return advance(catalog, linked, s.answers, notice=msg.urgent_filed(event.reference))


def expired(s: IntakeState, at: datetime) -> tuple[IntakeState, tuple[Reply, ...]]:
    """After `LINK_WINDOW` the draft is closed and the ticket's reference forgotten."""
    if s.linked is None or not s.link_expired(at):
        return s, ()
    return IntakeState(Node.IDLE, Answers(), s.locale), (Reply(txt.LINK_CLOSED),)


def with_push(before: IntakeState, step: Step, at: datetime) -> Step:
    """After a fast-lane filing, put each new answer on the same ticket (and its card).

    Ticks on the indicator list wait for Next (one card edit, not one per tick); the rest of a
    photo album updates the ticket without editing the card again.
    """
    after = step.state
    if before.linked is None or after.linked != before.linked or after.node not in ACTIVE_NODES:
        return step
    # The follow-up choice is no answer to push: it reaches the ticket with the final Send.
    old, new = before.answers, replace(after.answers, followup=before.answers.followup)
    ticks_only = replace(new, indicators=old.indicators) == old
    left_list = before.node is Node.INDICATORS and after.node is not Node.INDICATORS
    if not (left_list or (new != old and not ticks_only)):
        return step
    album = len(new.attachments) > len(old.attachments) and keep.same_album(
        old, new.attachments[-1]
    )
    push = AddToReport(before.linked, new.report(at, after.locale), announce=not album)
    return replace(step, effects=(*step.effects, push))
