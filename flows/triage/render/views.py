"""Views staff ask for: a whole ticket, ticket lists, who is on duty, statistics, the register."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from flows.core import Join, Msg, Raw, Text, t, tn
from flows.domain.card import CONFIDENTIAL, STATUS_LABELS, Staffing, status_text, ticket_card
from flows.domain.catalog import Catalog, option_text
from flows.domain.duty.roster import Duty
from flows.domain.duty.sla import Step
from flows.domain.duty.staff import StaffMember
from flows.domain.referral import AGENCY_WORDS, OUTCOME_LABELS, Outcome, agency_name
from flows.domain.stats import Stats, Timing
from flows.domain.ticket import Ticket
from flows.domain.triage import ListScope, close_label
from flows.triage.events import DutyShown, Listed, StatsShown, TicketView
from flows.triage.render import text as txt

NOTE_SHOWN = 300  # characters of each note shown in a ticket view
_TITLES: dict[ListScope, Callable[[Text], Msg]] = {
    ListScope.OPEN: lambda count: t("<b>Open tickets</b>: {count}", count=count),
    ListScope.NEW: lambda count: t(
        "<b>New tickets</b>, nobody took them yet: {count}", count=count
    ),
    ListScope.URGENT: lambda count: t(
        "<b>Urgent tickets</b>, someone in danger or a child: {count}", count=count
    ),
    ListScope.MINE: lambda count: t("<b>Your tickets</b>: {count}", count=count),
    ListScope.ALL: lambda count: t("<b>All tickets</b>, newest first: {count}", count=count),
}
_ACTOR = {"system": t("system"), "reporter": t("reporter"), "operator": t("operator")}


def _step(step: Step, names: Text) -> Msg:
    if step is Step.REMIND:
        return t("reminded {names}", names=names)
    if step is Step.BACKUP:
        return t("handed it to the backup {names}", names=names)
    if step is Step.COORDINATORS:
        return t("called the coordinators {names}", names=names)
    return t("called the whole group")


def flags(ticket: Ticket) -> str:
    """Emoji flags of a ticket: in danger, a child, in Malaysia."""
    return "".join(
        e
        for e, on in (
            ("🚨", ticket.urgent),
            ("🧒", ticket.child),
            ("📍", ticket.report.in_malaysia),
        )
        if on
    )


def _names(staff: Staffing, ids: object) -> Text:
    return staff.names_of(tuple(int(i) for i in ids)) if isinstance(ids, list) else Raw("")


def _agency(data: Mapping[str, object]) -> Text:
    agency = AGENCY_WORDS.get(str(data.get("agency")))
    return agency_name(agency) if agency else Raw(str(data.get("agency")))


def _what(action: str, data: Mapping[str, object], staff: Staffing) -> Text:
    """An audit row in words (its actor comes before)."""
    if action == "routed":
        return t("sent it to {names}", names=_names(staff, data.get("to")))
    if action == "escalated":
        return _step(Step(str(data.get("step"))), _names(staff, data.get("to")))
    if action == "assign":
        return t("gave it to {name}", name=staff.name(int(str(data.get("to")))))
    if action == "refer":
        return t("referred it to {agency}", agency=_agency(data))
    if action == "referral_outcome":
        outcome = OUTCOME_LABELS.get(Outcome(str(data.get("outcome"))), Raw("?"))
        return t(
            "recorded the answer of {agency}: {outcome}", agency=_agency(data), outcome=outcome
        )
    if action == "close":
        return t(
            "closed it ({reason})",
            reason=close_label(str(data.get("reason"))) or Raw(str(data.get("reason"))),
        )
    if action == "dm_failed":
        return t(
            "could not reach {name} by private message",
            name=staff.name(int(str(data.get("user_id")))),
        )
    simple = {
        "claim": t("took it"),
        "take_over": t("took it over"),
        "reopen": t("reopened it"),
        "note": t("added a note"),
        "card_posted": t("posted its card in the group"),
        "digest": t("listed it in a flood digest instead of a card"),
    }
    return simple.get(action, Raw(action))


def _history(view: TicketView, zone: tzinfo) -> Text:
    lines: list[Text] = [t("<b>History</b>:")]
    for entry in view.history:
        who = (
            Raw(entry.actor_name) if entry.actor_name else _ACTOR.get(entry.actor, Raw(entry.actor))
        )
        lines.append(
            txt.line(
                "• ",
                txt.stamp(entry.at, zone),
                " ",
                who,
                ": ",
                _what(entry.action, entry.data, view.staff),
            )
        )
    if view.views:
        lines.append(tn("👁 Viewed {n} time by staff.", "👁 Viewed {n} times by staff.", view.views))
    return Join(tuple(lines))


def _notes(view: TicketView, zone: tzinfo) -> Text:
    lines: list[Text] = [
        t(
            "<b>Internal notes</b> (latest {shown} of {count}):",
            shown=len(view.notes),
            count=view.note_count,
        )
    ]
    for note in view.notes:
        body = note.text if len(note.text) <= NOTE_SHOWN else note.text[:NOTE_SHOWN] + "…"
        lines.append(
            txt.line("• ", txt.stamp(note.at, zone), " ", view.staff.name(note.author), ": ", body)
        )
    return Join(tuple(lines))


def ticket_view(view: TicketView, catalog: Catalog, zone: tzinfo) -> Text:
    """The whole ticket: its card (with the confidentiality reminder), notes and history."""
    parts = [ticket_card(view.ticket, catalog, zone, view.story_limit, view.staff)]
    if view.notes:
        parts.append(_notes(view, zone))
    parts.append(_history(view, zone))
    return Join(tuple(parts), sep="\n\n")


def ticket_line(ticket: Ticket, staff: Staffing, at: datetime) -> Text:
    """One ticket in a list: flags, reference, status, age, holder."""
    age = t("{duration} ago", duration=txt.duration(at - ticket.created_at))
    holder: Text = staff.name(ticket.assignee) if ticket.assignee is not None else t("nobody yet")
    mark = flags(ticket)
    return txt.line(
        mark + " " if mark else "",
        t("<b>{reference}</b>", reference=ticket.reference),
        " · ",
        status_text(ticket),
        " · ",
        age,
        " · ",
        holder,
    )


def ticket_list(listed: Listed, at: datetime) -> Text:
    """/tiket: a title with the count, a line per ticket, and how many more there are."""
    lines: list[Text] = [_TITLES[listed.scope](txt.tickets(listed.total))]
    lines += [ticket_line(tk, listed.staff, at) for tk in listed.tickets]
    more = listed.total - len(listed.tickets)
    if more > 0:
        lines.append(
            tn(
                "…and {n} more: /lihat REF shows any ticket.",
                "…and {n} more: /lihat REF shows any ticket.",
                more,
            )
        )
    if not listed.tickets:
        lines.append(t("None."))
    lines.append(CONFIDENTIAL)
    return Join(tuple(lines))


def _duty_line(duty: Duty, names: Mapping[int, str]) -> Text:
    def name(user_id: int | None) -> Text:
        return Raw(names.get(user_id, f"#{user_id}")) if user_id is not None else t("nobody")

    if duty.primary is None:
        return t("nobody on duty; backup: {backup}", backup=name(duty.backup))
    line = t("{primary}; backup: {backup}", primary=name(duty.primary), backup=name(duty.backup))
    return t("{duty} (covering)", duty=line) if duty.covering else line


def duty_view(shown: DutyShown, zone: tzinfo) -> Text:
    """/piket: who is on duty now, and next."""
    now = _duty_line(shown.current, shown.names)
    lines: list[Text] = [t("<b>On duty now</b>: {duty}", duty=now)]
    if shown.current.primary is None:
        coordinators = (
            Join(tuple(Raw(shown.names.get(c, f"#{c}")) for c in shown.coordinators), sep=", ")
            if shown.coordinators
            else t("none registered")
        )
        lines.append(t("New tickets go to the coordinators: {names}.", names=coordinators))
    if shown.next is None:
        lines.append(t("No change of duty in the coming week."))
    else:
        when, then = shown.next
        lines.append(
            t(
                "<b>Next</b>, from {when}: {duty}",
                when=txt.stamp(when, zone),
                duty=_duty_line(then, shown.names),
            )
        )
    lines.append(t("/piket ambil [2h] takes duty now."))
    return Join(tuple(lines))


def _timing(timing: Timing) -> Text:
    if timing.median is None or timing.p90 is None:
        return t("none acknowledged yet")
    return t(
        "median {median}, 90th percentile {p90} ({count})",
        median=txt.duration(timing.median),
        p90=txt.duration(timing.p90),
        count=txt.tickets(timing.count),
    )


def _period(
    title: Callable[[str, Text], Msg],
    stats: Stats,
    catalog: Catalog,
    names: Mapping[int, str],
    zone: tzinfo,
) -> Text:
    counts = Join(
        tuple(Join((STATUS_LABELS[s], Raw(f" {n}")), sep="") for s, n in stats.by_status), sep=" · "
    )
    indicators: Text = (
        Join(
            tuple(
                Join((option_text(catalog, "indicators", i, Raw(i)), Raw(f" {n}")), sep="")
                for i, n in stats.by_indicator[:6]
            ),
            sep=" · ",
        )
        if stats.by_indicator
        else t("none")
    )
    lines: list[Text] = [
        title(txt.stamp(stats.start, zone), txt.tickets(stats.total)),
        t("By status: {counts}", counts=counts),
        t(
            "By urgency: 🚨 in danger {urgent} · 🧒 a child {child} · other {normal}",
            urgent=stats.urgent,
            child=stats.child,
            normal=stats.normal,
        ),
        t("Most reported: {indicators}", indicators=indicators),
        t("Time to acknowledge: {timing}", timing=_timing(stats.ack)),
    ]
    lines += [
        txt.line("• ", names.get(uid, f"#{uid}"), ": ", _timing(tm))
        for uid, tm in stats.by_responder
    ]
    return Join(tuple(lines))


def stats_view(shown: StatsShown, catalog: Catalog, zone: tzinfo) -> Text:
    """/statistik: this week and this month."""
    week = _period(
        lambda since, count: t(
            "📊 <b>This week</b> (since {since}): {count}", since=since, count=count
        ),
        shown.week,
        catalog,
        shown.names,
        zone,
    )
    month = _period(
        lambda since, count: t(
            "📊 <b>This month</b> (since {since}): {count}", since=since, count=count
        ),
        shown.month,
        catalog,
        shown.names,
        zone,
    )
    return Join((week, month), sep="\n\n")


def staff_view(members: tuple[StaffMember, ...]) -> Text:
    """/staf: the register."""
    lines: list[Text] = [
        t("<b>Staff register</b>: {count}", count=tn("{n} person", "{n} people", len(members)))
    ]
    for m in members:
        role = t("coordinator") if m.coordinator else t("member")
        lines.append(txt.line("• ", m.name, ": ", role, f" ({m.user_id})"))
    return Join(tuple(lines))
