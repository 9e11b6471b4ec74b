"""The ticket card the task force's group receives: flags first, then what was reported (pure).

It carries no identity: the report holds none, and this module never sees the update.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from flows.core import Join, Raw, Text, t
from flows.domain.catalog import PLACE_LISTS, Catalog, option_text
from flows.domain.report import STORY_LIMIT, Report
from flows.domain.ticket import Ticket

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


def ticket_card(
    ticket: Ticket, catalog: Catalog, zone: tzinfo, story_limit: int = STORY_LIMIT
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
    ]
    return Join(tuple(lines))
