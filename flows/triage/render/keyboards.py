"""Staff buttons: on ticket cards (by status), in private messages, and in menus."""

from __future__ import annotations

from collections.abc import Sequence

from flows.core import Button, Keyboard, Raw, Text
from flows.domain.duty.staff import StaffMember
from flows.domain.referral import OUTCOME_LABELS, Agency, Outcome, Referral, agency_name
from flows.domain.ticket import Ticket, TicketStatus
from flows.domain.triage import CLOSE_LABELS, CloseReason
from flows.triage.callbacks import Code, encode
from flows.triage.render import text as txt

# A URL whose `{id}` the adapter fills with the card's message id once the card is sent.
CARD_LINK = "{link}/{{id}}"


def _b(label: Text, code: Code, reference: str, *args: str | int) -> Button:
    return Button(label, encode(code, reference, *args))


def card_keyboard(ticket: Ticket) -> Keyboard:
    """The common actions for the ticket's status."""
    ref = ticket.reference
    history = _b(txt.HISTORY, Code.SHOW, ref)
    if ticket.status is TicketStatus.CLOSED:
        return ((_b(txt.REOPEN, Code.REOPEN, ref), history),)
    close, note = _b(txt.CLOSE, Code.CLOSE_MENU, ref), _b(txt.NOTE, Code.NOTE, ref)
    assign, refer = _b(txt.ASSIGN, Code.ASSIGN_MENU, ref), _b(txt.REFER, Code.REFER_MENU, ref)
    reply = _b(txt.REPLY, Code.REPLY, ref)
    if ticket.status is TicketStatus.NEW:
        return ((_b(txt.TAKE, Code.CLAIM, ref), assign), (note, close), (history, reply))
    if ticket.status is TicketStatus.REFERRED:
        return ((note, _b(txt.OUTCOME, Code.OUTCOME_MENU, ref)), (refer, close), (history, reply))
    return ((note, refer), (assign, close), (history, reply))


def private_keyboard(ticket: Ticket, group_link: str | None) -> Keyboard:
    """On a private message about a ticket: take it, read it whole, and open its card (the
    link's `{id}` is filled at send time)."""
    rows: list[tuple[Button, ...]] = [
        (_b(txt.TAKE, Code.CLAIM, ticket.reference), _b(txt.SHOW, Code.SHOW, ticket.reference))
    ]
    if group_link:
        rows.append((Button(txt.OPEN_IN_GROUP, "", url=CARD_LINK.format(link=group_link)),))
    return tuple(rows)


def _cancel(reference: str) -> tuple[Button, ...]:
    return (_b(txt.CANCEL, Code.DISMISS, reference),)


def close_menu(reference: str) -> Keyboard:
    """One button per close reason."""
    reasons = [_b(CLOSE_LABELS[r], Code.CLOSE, reference, r.value) for r in CloseReason]
    return (*(tuple(reasons[i : i + 2]) for i in range(0, len(reasons), 2)), _cancel(reference))


def refer_menu(reference: str) -> Keyboard:
    """One button per agency."""
    agencies = [_b(agency_name(a), Code.REFER, reference, a.value) for a in Agency]
    return (*(tuple(agencies[i : i + 2]) for i in range(0, len(agencies), 2)), _cancel(reference))


def assign_menu(reference: str, colleagues: Sequence[StaffMember]) -> Keyboard:
    """One button per colleague."""
    people = [_b(Raw(m.name), Code.ASSIGN, reference, m.user_id) for m in colleagues]
    return (*(tuple(people[i : i + 2]) for i in range(0, len(people), 2)), _cancel(reference))


def outcome_menu(reference: str, referrals: Sequence[Referral]) -> Keyboard:
    """For each referral awaiting an answer, one button per possible outcome."""
    rows: list[tuple[Button, ...]] = []
    for referral in referrals:
        buttons = [
            _b(
                txt.line(agency_name(referral.agency), ": ", OUTCOME_LABELS[o]),
                Code.OUTCOME,
                reference,
                referral.agency.value,
                o.value,
            )
            for o in Outcome
            if o is not Outcome.PENDING
        ]
        rows += [tuple(buttons[:2]), tuple(buttons[2:])]
    return (*rows, _cancel(reference))


def show_buttons(references: Sequence[str], code: Code = Code.SHOW) -> Keyboard:
    """A button per ticket (up to what a keyboard holds), three to a row."""
    buttons = [_b(Raw(ref), code, ref) for ref in references[:99]]
    return tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
