"""The ticket card the task force's group receives: flags first, then what was reported (pure).

It carries no identity: the report holds none, and this module never sees the update. For a
child reporter the place is shown at kabupaten level only, so a small place cannot point at
the child.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from flows.core import Join, Msg, Raw, Text, t, tn
from flows.domain.catalog import PLACE_LISTS, Catalog, option_text
from flows.domain.duty.sla import Step
from flows.domain.referral import OUTCOME_LABELS, Referral, agency_name
from flows.domain.report import STORY_LIMIT, Attachment, Report
from flows.domain.ticket import Ticket, TicketStatus
from flows.domain.triage import close_label

_SKIPPED = t("(not given)")
# What the reporter added after a fast-lane filing, by report field.
_ADDED: dict[str, Msg] = {
    "in_danger": t("danger"),
    "now_in": t("where the person is now"),
    "reporter_role": t("who reports"),
    "indicators": t("what was seen"),
    "place_kind": t("where"),
    "place": t("where"),
    "place_text": t("where"),
    "when": t("when"),
    "victim_count": t("victims"),
    "victim_age": t("victims"),
    "story": t("story"),
    "attachments": t("attachments"),
}
_NOW_IN = {"malaysia": t("In Malaysia"), "indonesia": t("In Indonesia")}


def attachment_summary(attachments: Sequence[Attachment]) -> Text:
    """How many of each kind were kept, e.g. "1 voice note, 2 photos"."""
    kinds = Counter("video" if a.kind == "video_note" else a.kind for a in attachments)
    forms = {
        "photo": lambda n: tn("{n} photo", "{n} photos", n),
        "voice": lambda n: tn("{n} voice note", "{n} voice notes", n),
        "audio": lambda n: tn("{n} recording", "{n} recordings", n),
        "video": lambda n: tn("{n} video", "{n} videos", n),
        "document": lambda n: tn("{n} file", "{n} files", n),
        "location": lambda n: tn("{n} location", "{n} locations", n),
    }
    return Join(tuple(forms[k](kinds[k]) for k in forms if kinds[k]), sep=", ")


def _label(catalog: Catalog, list_name: str, option_id: str | None) -> Text:
    return option_text(catalog, list_name, option_id, _SKIPPED)


def _child_place(catalog: Catalog, report: Report) -> Text:
    if report.place_kind in ("kecamatan", "crossing"):
        return t("Kabupaten Nunukan")
    if report.place_kind == "sabah":
        return t("Sabah: {place}", place=_label(catalog, "sabah", report.place))
    return t("(not shown for a child reporter)") if report.place_kind else _SKIPPED


def _place(catalog: Catalog, report: Report) -> Text:
    if report.by_child:
        return _child_place(catalog, report)
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
    if report.fast_lane:
        flags.append(
            t(
                "⚡ Sent at once from the danger question; what the reporter adds later "
                "is added to this card."
            )
        )
    if report.child:
        flags.append(t("🧒 <b>A child is involved</b>"))
    if report.by_child:
        flags.append(
            t(
                "🧒 <b>Reported by a child.</b> Place shown at kabupaten level only; do "
                "not try to find out who reported."
            )
        )
    if report.now_in == "malaysia":
        flags.append(t("📍 The person is in Malaysia now"))
    elif report.in_malaysia:
        flags.append(t("📍 The place is in Malaysia"))
    if report.low_information:
        flags.append(t("ℹ️ Little information: the reporter skipped every question."))
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


def _later(report: Report, zone: tzinfo) -> list[Text]:
    lines: list[Text] = []
    if report.attachments:
        lines.append(
            t(
                "📎 Evidence, sent below the card: {items}",
                items=attachment_summary(report.attachments),
            )
        )
    if report.added and report.added_at is not None:
        added = tuple(dict.fromkeys(_ADDED[name] for name in report.added if name in _ADDED))
        lines.append(
            t(
                "➕ Added by the reporter after the first alert: {what} (last at {at})",
                what=Join(added, sep=", "),
                at=_time(report.added_at, zone),
            )
        )
    return lines


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
    ]
    if report.now_in in _NOW_IN:
        lines.append(t("Where the person is now: {country}", country=_NOW_IN[report.now_in]))
    lines += [
        t("When: {when}", when=_label(catalog, "when", report.when)),
        t(
            "Victims: {count}, age: {age}",
            count=_label(catalog, "victim_counts", report.victim_count),
            age=_label(catalog, "age_bands", report.victim_age),
        ),
        t("<b>Story:</b>\n{story}", story=_story(report, story_limit)),
        *_later(report, zone),
        t(
            "Received: {received}. Acknowledge by: {due}.",
            received=_time(ticket.created_at, zone),
            due=_time(ticket.ack_due_at, zone),
        ),
        *triage_lines(ticket, zone, staff or Staffing()),
    ]
    return Join(tuple(lines))
