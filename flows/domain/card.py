"""The ticket card the task force's group receives: flags first, then what was reported (pure).

It carries no identity: the report holds none, and this module never sees the update.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from flows.core import Join, Raw, Text, t
from flows.domain.catalog import PLACE_LISTS, Catalog, option_text
from flows.domain.referral import OUTCOME_LABELS, Referral, agency_name
from flows.domain.report import STORY_LIMIT, Report
from flows.domain.sla import Step
from flows.domain.ticket import Ticket, TicketStatus
from flows.domain.triage import close_label

_SKIPPED = t("(not given)")


def _label(catalog: Catalog, list_name: str, option_id: str | None) -> Text:
    return option_text(catalog, list_name, option_id, _SKIPPED)


def _place(catalog: Catalog, report: Report) -> Text:
    if report.place_kind == "typed" and report.place_text:
        return t("{place} (typed by the reporter)", place=report.place_text)
    list_name = PLACE_LISTS.get(report.place_kind or "")
    if list_name is None or report.place is None:
        return _SKIPPED
    return _label(catalog, list_name, report.place)


def _flags(report: Report) -> list[Text]:
    flags: list[Text] = []
    if report.urgent:
        flags.append(t("🚨 <b>SOMEONE IS IN DANGER NOW</b>"))
    if report.child:
        flags.append(t("🧒 <b>A child is involved</b>"))
    if report.in_malaysia:
        flags.append(t("📍 The place is in Malaysia"))
    return flags


def _story(report: Report, limit: int) -> Text:
    if not report.story:
        return _SKIPPED
    story = report.story
    if len(story) > limit:
        story = story[:limit] + "…"
    return t("<blockquote>{story}</blockquote>", story=story)


def _time(at: datetime, zone: tzinfo) -> str:
    local = at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


@dataclass(frozen=True)
class Staffing:
    """What a card shows besides the ticket: staff names by user id, and its referrals."""

    names: Mapping[int, str] = field(default_factory=dict)
    referrals: tuple[Referral, ...] = ()

    def name(self, user_id: int) -> Text:
        """A staff member's name (their id when they left the register)."""
        return Raw(self.names.get(user_id, f"#{user_id}"))

    def names_of(self, user_ids: tuple[int, ...]) -> Text:
        """Several names, comma-separated."""
        return Join(tuple(self.name(u) for u in user_ids), sep=", ")


CONFIDENTIAL = t("🔒 Victim and witness identity is confidential (UU 21/2007, Pasal 44).")
STATUS_LABELS = {
    TicketStatus.NEW: t("🆕 new"),
    TicketStatus.ACKNOWLEDGED: t("✋ acknowledged"),
    TicketStatus.REFERRED: t("↗️ referred"),
    TicketStatus.CLOSED: t("✅ closed"),
}
_ESCALATED = {
    Step.BACKUP: t("⏰ Not taken in time: handed to the backup."),
    Step.COORDINATORS: t("⏰ Not taken in time: the coordinators were called."),
    Step.GROUP: t("⏰ Not taken in time: the whole group was called."),
}


def status_text(ticket: Ticket) -> Text:
    """The status, with the close reason when closed."""
    reason = close_label(ticket.closed_reason)
    if ticket.status is TicketStatus.CLOSED and reason is not None:
        return Join((STATUS_LABELS[ticket.status], Raw(" ("), reason, Raw(")")), sep="")
    return STATUS_LABELS[ticket.status]


def _routing_lines(ticket: Ticket, staff: Staffing) -> list[Text]:
    routing = ticket.routing
    lines: list[Text] = []
    if routing.nobody_on_duty:
        lines.append(
            t(
                "Nobody is on duty: for the coordinators ({names}).",
                names=staff.names_of(routing.coordinators)
                if routing.coordinators
                else t("none registered"),
            )
        )
    elif routing.backup is None:
        lines.append(t("On duty: {primary}", primary=staff.name(routing.primary or 0)))
    else:
        lines.append(
            t(
                "On duty: {primary}; backup: {backup}",
                primary=staff.name(routing.primary or 0),
                backup=staff.name(routing.backup),
            )
        )
    for user_id in routing.unreachable:
        lines.append(
            t(
                "⚠️ {name} could not be reached by private message (they must start "
                "the bot and not block it).",
                name=staff.name(user_id),
            )
        )
    if routing.step in _ESCALATED and ticket.status is TicketStatus.NEW:
        lines.append(_ESCALATED[routing.step])
    return lines


def _referral(referral: Referral, zone: tzinfo) -> Text:
    day = f"{referral.referred_at.astimezone(zone):%Y-%m-%d}"
    return t(
        "↗️ Referred to {agency} on {date}: {outcome}",
        agency=agency_name(referral.agency),
        date=day,
        outcome=OUTCOME_LABELS[referral.outcome],
    )


def triage_lines(ticket: Ticket, zone: tzinfo, staff: Staffing) -> list[Text]:
    """Status, who holds it or whom it waits on, referrals, and the confidentiality reminder."""
    lines: list[Text] = [t("<b>Status:</b> {status}", status=status_text(ticket))]
    if ticket.assignee is not None:
        lines.append(t("Held by: {name}", name=staff.name(ticket.assignee)))
    if ticket.status is TicketStatus.NEW:
        lines += _routing_lines(ticket, staff)
    lines += [_referral(r, zone) for r in staff.referrals]
    return [*lines, CONFIDENTIAL]


def ticket_card(
    ticket: Ticket,
    catalog: Catalog,
    zone: tzinfo,
    story_limit: int = STORY_LIMIT,
    staff: Staffing | None = None,
) -> Text:
    """The staff card for `ticket`, as translatable text, its story cut to `story_limit`."""
    report = ticket.report
    indicators: Text = (
        Join(
            tuple(
                Join((Raw("• "), _label(catalog, "indicators", i)), sep="")
                for i in report.indicators
            )
        )
        if report.indicators
        else _SKIPPED
    )
    lines: list[Text] = [
        *_flags(report),
        t("<b>New report {reference}</b>", reference=ticket.reference),
        t("Reported by: {role}", role=_label(catalog, "roles", report.reporter_role)),
        t("<b>What was seen:</b>\n{indicators}", indicators=indicators),
        t("Where: {place}", place=_place(catalog, report)),
        t("When: {when}", when=_label(catalog, "when", report.when)),
        t(
            "Victims: {count}, age: {age}",
            count=_label(catalog, "victim_counts", report.victim_count),
            age=_label(catalog, "age_bands", report.victim_age),
        ),
        t("<b>Story:</b>\n{story}", story=_story(report, story_limit)),
        t(
            "Received: {received}. Acknowledge by: {due}.",
            received=_time(ticket.created_at, zone),
            due=_time(ticket.ack_due_at, zone),
        ),
        *triage_lines(ticket, zone, staff or Staffing()),
    ]
    return Join(tuple(lines))
