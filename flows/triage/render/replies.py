"""What staff are told when an effect handler answers: a toast for a pressed button, a message
for a typed command or a view, and the menu replaced by the result when it came from one."""

from __future__ import annotations

from datetime import tzinfo

from flows.core import Button, Msg, Raw, Reply, Text, t
from flows.domain.catalog import Catalog
from flows.domain.referral import OUTCOME_LABELS, Outcome, agency_name
from flows.domain.triage import Assign, Claim, Close, RecordOutcome, Refer, Reopen, close_label
from flows.triage.events import (
    Answered,
    CardPosted,
    Changed,
    Choices,
    Denied,
    DutyShown,
    DutyTaken,
    HoldSet,
    Listed,
    NoteAdded,
    NotFound,
    Relayed,
    StaffChanged,
    StaffListed,
    StaffRefused,
    StatsShown,
    TicketView,
    UnknownColleague,
)
from flows.triage.render import keyboards as kb
from flows.triage.render import text as txt
from flows.triage.render import views


def changed_text(result: Changed) -> Msg:
    """One line saying what was done to the ticket."""
    ticket, action, staff = result.ticket, result.action, result.staff
    ref = ticket.reference
    holder = staff.name(ticket.assignee) if ticket.assignee is not None else Raw("?")
    if isinstance(action, Claim):
        return t("✋ {reference} taken by {name}.", reference=ref, name=holder)
    if isinstance(action, Assign):
        return t("👤 {reference} given to {name}.", reference=ref, name=holder)
    if isinstance(action, Refer):
        return t(
            "↗️ {reference} referred to {agency}.", reference=ref, agency=agency_name(action.agency)
        )
    if isinstance(action, RecordOutcome):
        return t(
            "📮 {reference}: the answer of {agency} is recorded: {outcome}.",
            reference=ref,
            agency=agency_name(action.agency),
            outcome=OUTCOME_LABELS[action.outcome],
        )
    if isinstance(action, Close):
        return t(
            "✅ {reference} closed: {reason}.",
            reference=ref,
            reason=close_label(action.reason.value) or Raw(action.reason.value),
        )
    assert isinstance(action, Reopen)
    return t("🔓 {reference} reopened.", reference=ref)


def _staff_changed(result: StaffChanged) -> Msg:
    m = result.member
    if result.outcome == "removed":
        return t(
            "👤 {name} ({user_id}) is no longer on the staff register.",
            name=Raw(m.name),
            user_id=m.user_id,
        )
    role = t("coordinator") if m.coordinator else t("member")
    return t(
        "👤 {name} ({user_id}) is on the staff register as {role}.",
        name=Raw(m.name),
        user_id=m.user_id,
        role=role,
    )


def _relayed(result: Relayed) -> Msg:
    ref = result.reference
    if result.outcome == "sent":
        return t("↩️ Sent to the reporter of {reference} (as Tim Gugus Tugas).", reference=ref)
    if result.outcome == "closed":
        return t("{reference} is closed: nothing was sent to the reporter.", reference=ref)
    return t(
        "The reporter of {reference} chose no contact: nothing can be sent to them.",
        reference=ref,
    )


def _choices(result: Choices, short: bool) -> Reply:
    ref = result.ticket.reference
    if result.kind == "assign":
        if not result.colleagues:
            return Reply(
                t("Nobody on the register can take {reference}.", reference=ref), toast=short
            )
        return Reply(
            t("Give {reference} to:", reference=ref), kb.assign_menu(ref, result.colleagues)
        )
    waiting = tuple(r for r in result.referrals if r.outcome is Outcome.PENDING)
    if not waiting:
        return Reply(t("No referral of {reference} awaits an answer.", reference=ref), toast=short)
    return Reply(
        t("Which answer came for {reference}?", reference=ref), kb.outcome_menu(ref, waiting)
    )


def _view(result: TicketView, catalog: Catalog, zone: tzinfo) -> Reply:
    keyboard = kb.card_keyboard(result.ticket)
    if result.card_link:  # asked privately: a way to the card in the group
        keyboard = (*keyboard, (Button(txt.OPEN_IN_GROUP, "", url=result.card_link),))
    return Reply(views.ticket_view(result, catalog, zone), keyboard)


def _hold_text(result: HoldSet) -> Text:
    ref = result.reference
    if result.hold:
        if result.already:
            return t("⚖️ {reference} is already on legal hold.", reference=ref)
        return t(
            "⚖️ {reference} is on legal hold: its content is kept after closing until /lepas.",
            reference=ref,
        )
    if result.already:
        return t("{reference} is not on legal hold.", reference=ref)
    return t(
        "⚖️ The legal hold on {reference} is lifted: its content is deleted as usual after closing.",
        reference=ref,
    )


def answer(
    event: Answered, catalog: Catalog, zone: tzinfo, group_link: str | None = None
) -> tuple[Reply, ...]:
    """The replies to an effect handler's answer."""
    who, result = event.who, event.result
    short = who.button

    def say(text: Text) -> tuple[Reply, ...]:
        return (Reply(text, toast=short),)

    if isinstance(result, NotFound):
        return say(txt.not_found(result.reference))
    if isinstance(result, Denied):
        return say(txt.refusal(result.reference, result.refusal, result.holder, result.agency))
    if isinstance(result, Changed):
        line = changed_text(result)
        if who.menu:  # the menu's message becomes the result, for everyone to see
            return (Reply(line, toast=True), Reply(line, edit=True))
        return say(line)
    if isinstance(result, TicketView):
        return (_view(result, catalog, zone),)
    if isinstance(result, Listed):
        refs = [tk.reference for tk in result.tickets]
        return (Reply(views.ticket_list(result, event.at), kb.show_buttons(refs)),)
    if isinstance(result, Choices):
        return (_choices(result, short),)
    if isinstance(result, Relayed):
        return say(_relayed(result))
    if isinstance(result, NoteAdded):
        return say(t("📝 Note added to {reference}.", reference=result.reference))
    if isinstance(result, HoldSet):
        return say(_hold_text(result))
    if isinstance(result, CardPosted):
        return say(
            t("📋 The card of {reference} is already in the group.", reference=result.reference)
            if result.already
            else t("📋 The card of {reference} is posted in the group.", reference=result.reference)
        )
    if isinstance(result, DutyShown):
        return (Reply(views.duty_view(result, zone)),)
    if isinstance(result, DutyTaken):
        until = t(
            "🛡 You are on duty until {until}: new tickets come to you.",
            until=txt.stamp(result.until, zone),
        )
        if result.covering:
            until = t("{line} (covering {name})", line=until, name=Raw(result.covering))
        return (Reply(until),)
    if isinstance(result, StatsShown):
        return (Reply(views.stats_view(result, catalog, zone)),)
    if isinstance(result, StaffListed):
        return (Reply(views.staff_view(result.members)),)
    if isinstance(result, StaffChanged):
        return (Reply(_staff_changed(result)),)
    if isinstance(result, StaffRefused):
        refused = (
            t("{user_id} is not on the staff register.", user_id=result.user_id)
            if result.reason == "unknown"
            else t(
                "{user_id} is the last coordinator: register another coordinator first.",
                user_id=result.user_id,
            )
        )
        return (Reply(refused),)
    assert isinstance(result, UnknownColleague)
    return say(
        t(
            "Nobody on the staff register is {target}: use a user id from /staf.",
            target=Raw(result.target),
        )
    )
