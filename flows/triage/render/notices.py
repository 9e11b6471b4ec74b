"""What the bot tells staff unasked: private messages about tickets, calls to the whole group,
and the flood digest. Rendered by the announcer (bot/effects/tickets/announcer.py), pure here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from flows.core import Join, Raw, Text, t, tn
from flows.domain.card import CONFIDENTIAL
from flows.domain.catalog import PLACE_LISTS, Catalog, option_text
from flows.domain.ticket import Ticket
from flows.triage.render import text as txt
from flows.triage.render.views import flags

_SUMMARY_INDICATORS = 3


def _flagged(ticket: Ticket) -> Text:
    mark = flags(ticket)
    return txt.line(mark + " " if mark else "", t("<b>{reference}</b>", reference=ticket.reference))


def _place(ticket: Ticket, catalog: Catalog, limit: int = 200) -> Text:
    report = ticket.report
    if report.place_kind == "typed" and report.place_text:
        typed = report.place_text
        return Raw(typed if len(typed) <= limit else typed[:limit] + "…")
    unknown = t("place not given")
    if report.place_kind not in PLACE_LISTS:
        return unknown
    return option_text(catalog, PLACE_LISTS[report.place_kind or ""], report.place, unknown)


def summary(ticket: Ticket, catalog: Catalog, zone: tzinfo) -> Text:
    """A short card: flags, reference, place, the first indicators, when it is due."""
    shown = [
        option_text(catalog, "indicators", i, Raw(i))
        for i in ticket.report.indicators[:_SUMMARY_INDICATORS]
    ]
    more = len(ticket.report.indicators) - len(shown)
    what: Text = Join(tuple(shown), sep=", ") if shown else t("nothing ticked")
    if more > 0:
        what = Join((what, tn("and {n} more", "and {n} more", more)), sep=" ")
    lines: list[Text] = []
    if ticket.urgent:
        lines.append(t("🚨 <b>SOMEONE IS IN DANGER NOW</b>"))
    if ticket.child:
        lines.append(t("🧒 <b>A child is involved</b>"))
    lines += [
        txt.line(
            t("<b>{reference}</b>", reference=ticket.reference), " · ", _place(ticket, catalog)
        ),
        t("What was seen: {what}", what=what),
        t("Acknowledge by {due}.", due=txt.stamp(ticket.ack_due_at, zone)),
        CONFIDENTIAL,
    ]
    return Join(tuple(lines))


def new_for_you(ticket: Ticket, catalog: Catalog, zone: tzinfo, nobody_on_duty: bool) -> Text:
    """To the person on duty (or, with nobody on duty, each coordinator): a new ticket."""
    head = (
        t("📥 New report, and nobody is on duty: you are a coordinator.")
        if nobody_on_duty
        else t("📥 New report for you: you are on duty.")
    )
    return Join((head, summary(ticket, catalog, zone)))


def reminder(ticket: Ticket, catalog: Catalog, zone: tzinfo) -> Text:
    """Half the SLA has passed and nobody took the ticket."""
    return Join(
        (t("⏳ Reminder: nobody has taken this report yet."), summary(ticket, catalog, zone))
    )


def handed_to_you(ticket: Ticket, catalog: Catalog, zone: tzinfo, why: Text) -> Text:
    """The ticket is the backup's (or a coordinator's) now, and why."""
    return Join((why, summary(ticket, catalog, zone)))


def not_taken_in_time(waited: Text) -> Text:
    """Why a ticket was handed on: nobody took it."""
    return t(
        "⏰ Nobody took this report in {waited}: please take it, or give it to someone.",
        waited=waited,
    )


def unreachable(name: str) -> Text:
    """Why a ticket was handed on: its person could not be reached privately."""
    return t(
        "⚠️ {name} could not be reached by private message: this report is yours as backup.",
        name=Raw(name),
    )


def assigned_to_you(ticket: Ticket, catalog: Catalog, zone: tzinfo, by: str) -> Text:
    """A colleague gave the actor's colleague a ticket."""
    return Join(
        (t("👤 {name} gave you this report.", name=Raw(by)), summary(ticket, catalog, zone))
    )


def call_the_group(ticket: Ticket, waited: Text) -> Text:
    """Twice the SLA: everyone in the group is asked."""
    return t(
        "🚨 Everyone: {flags}{reference} has waited {waited} and nobody has taken it. "
        "/ambil {reference}",
        flags=flags(ticket) + " " if flags(ticket) else "",
        reference=ticket.reference,
        waited=waited,
    )


@dataclass(frozen=True)
class DigestLine:
    """A ticket in a flood digest: new (its card held back) or overdue (twice its SLA)."""

    ticket: Ticket
    overdue: bool = False


def digest(lines: Sequence[DigestLine], at: datetime, catalog: Catalog, zone: tzinfo) -> Text:
    """Many reports at once: one message listing them instead of a card each."""
    new = [line for line in lines if not line.overdue]
    overdue = [line for line in lines if line.overdue]
    parts: list[Text] = []
    if new:
        parts.append(
            tn(
                "📥 <b>{n} new report</b> arrived in a rush: here is a list instead of "
                "a card each. Tap one to post its card, or /lihat REF.",
                "📥 <b>{n} new reports</b> arrived in a rush: here is a list instead of "
                "a card each. Tap one to post its card, or /lihat REF.",
                len(new),
            )
        )
        parts += [
            txt.line(
                _flagged(x.ticket),
                " · ",
                _place(x.ticket, catalog, 40),
                " · ",
                txt.clock(x.ticket.created_at, zone),
            )
            for x in new
        ]
    if overdue:
        parts.append(
            tn(
                "🚨 Everyone: {n} report has waited twice its time and nobody has taken it:",
                "🚨 Everyone: {n} reports have waited twice their time and nobody has taken them:",
                len(overdue),
            )
        )
        parts += [
            txt.line(
                _flagged(x.ticket),
                " · ",
                t("waiting {waited}", waited=txt.duration(at - x.ticket.created_at)),
            )
            for x in overdue
        ]
    parts.append(CONFIDENTIAL)
    return Join(tuple(parts))
