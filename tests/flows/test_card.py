"""The staff card: flags first; a child reporter's place at kabupaten level; what came later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.domain.card import ticket_card
from flows.domain.report import Attachment, Report, add_later, report_from_dict, report_to_dict
from flows.domain.ticket import Ticket, TicketStatus

AT = datetime(2025, 12, 1, 1, 30, tzinfo=UTC)
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def card(catalog, rendered):
    """`card(report)`: the staff card of a ticket holding `report`, rendered in English."""

    def make(report: Report) -> str:
        ticket = Ticket("TPPO-7K3M9Q", TicketStatus.NEW, report, AT, AT + timedelta(minutes=5))
        return str(rendered(ticket_card(ticket, catalog, WITA)))

    return make


def test_a_child_reporters_place_is_shown_at_kabupaten_level(card):
    report = Report(AT, "id", reporter_role="anak", place_kind="kecamatan", place="krayan_tengah")
    text = card(report)
    assert "Where: Kabupaten Nunukan" in text and "Krayan" not in text
    assert "Reported by a child" in text and "do not try to find out who" in text
    crossing = card(
        Report(AT, "id", reporter_role="forum_anak", place_kind="crossing", place="aji_kuning")
    )
    assert "Where: Kabupaten Nunukan" in crossing and "Aji Kuning" not in crossing
    typed = card(
        Report(
            AT,
            "id",
            reporter_role="korban",
            victim_age="13_17",
            place_kind="typed",
            place_text="Rumah Pak Budi",
        )
    )
    assert "Rumah Pak Budi" not in typed and "not shown for a child reporter" in typed


def test_an_adult_reporters_place_is_shown_in_full(card):
    text = card(
        Report(
            AT,
            "id",
            reporter_role="keluarga",
            place_kind="kecamatan",
            place="krayan_tengah",
            victim_age="13_17",
        )
    )
    assert "Where: Krayan Tengah" in text and "Reported by a child" not in text
    assert "A child is involved" in text


def test_fast_lane_flags_and_where_the_person_is_now(card):
    text = card(Report(AT, "id", in_danger=True, now_in="malaysia", fast_lane=True))
    lines = text.split("\n")
    assert lines[0] == "🚨 <b>SOMEONE IS IN DANGER NOW</b>"
    assert lines[1].startswith("⚡ Sent at once from the danger question")
    assert "📍 The person is in Malaysia now" in lines
    assert "Where the person is now: In Malaysia" in lines
    assert "Little information" not in text


def test_low_information_is_flagged(card):
    text = card(Report(AT, "id", when="today"))
    assert "ℹ️ Little information: the reporter skipped every question." in text


def test_pending_attachments_are_counted_never_shown(card):
    report = Report(
        AT,
        "id",
        story="x",
        attachments=(
            Attachment("voice", file_id="SECRET-FILE-ID"),
            Attachment("photo", file_id="p1"),
            Attachment("photo", file_id="p2"),
            Attachment("location", latitude=4.2, longitude=117.9),
        ),
    )
    text = card(report)
    assert "📎 Evidence, sent below the card: 2 photos, 1 voice note, 1 location" in text
    assert "SECRET-FILE-ID" not in text and "117.9" not in text


def test_answers_added_later_are_named_with_the_time(card):
    filed = Report(AT, "id", in_danger=True, fast_lane=True)
    later = Report(
        AT + timedelta(minutes=9),
        "id",
        in_danger=True,
        reporter_role="korban",
        victim_age="adult",
        place_kind="sabah",
        place="tawau",
    )
    merged = add_later(filed, later, AT + timedelta(minutes=9))
    assert merged.submitted_at == AT and merged.fast_lane
    assert merged.added == ("reporter_role", "place_kind", "place", "victim_age")
    text = card(merged)
    assert (
        "➕ Added by the reporter after the first alert: who reports, where, victims "
        "(last at 2025-12-01 09:39 WITA)"
    ) in text
    assert add_later(merged, later, AT + timedelta(hours=1)) == merged  # nothing new


def test_reports_with_the_new_fields_round_trip_through_json():
    report = Report(
        AT,
        "ms",
        in_danger=True,
        now_in="malaysia",
        fast_lane=True,
        attachments=(Attachment("voice", file_id="f", media_group_id="9"),),
        added=("story",),
        added_at=AT + timedelta(minutes=1),
        story="s",
    )
    assert report_from_dict(report_to_dict(report)) == report
    old = report_to_dict(Report(AT, "id"))
    for key in ("now_in", "attachments", "fast_lane", "added", "added_at"):
        old.pop(key)  # a ticket filed before these fields existed
    assert report_from_dict(old) == Report(AT, "id")
