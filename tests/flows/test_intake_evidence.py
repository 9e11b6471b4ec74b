"""Evidence in the intake: warnings about what a file may give away, a kind answer for files too
big to receive, and albums as one piece for the task force."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.core import MediaEvent
from flows.domain.evidence import Numbered, pieces
from flows.domain.report import DOWNLOAD_LIMIT, Attachment
from flows.intake import dump_state, load_state

AT = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)


def media(kind: str, n: int = 1, **extra) -> MediaEvent:
    return MediaEvent(AT, kind, file_id=f"FILE{n}", file_unique_id=f"U{n}", **extra)


def test_a_photo_sent_as_a_file_gets_a_short_note_about_its_hidden_data(driver):
    d = driver()
    d.send(media("document", mime_type="image/jpeg", file_size=2_000_000))
    assert "File kept with the report" in d.said
    assert "can carry the place and time they were taken" in d.said
    (kept,) = d.state.answers.attachments
    assert (kept.size, kept.mime_type) == (2_000_000, "image/jpeg")


def test_a_pdf_gets_no_such_note_and_a_voice_note_is_told_a_voice_can_be_recognised(driver):
    d = driver()
    d.send(media("document", mime_type="application/pdf"))
    assert "can carry the place" not in d.said
    d.send(media("voice", 2, mime_type="audio/ogg"))
    assert "a voice can be recognised" in d.said


def test_a_file_too_big_to_receive_gets_a_kind_answer_and_the_report_goes_on(driver):
    d = driver()
    d.text("/lapor")
    node = d.state.node
    d.send(media("video", file_size=DOWNLOAD_LIMIT + 1))
    assert "too big for us to receive" in d.said
    assert d.state.answers.attachments == ()
    assert d.state.node is node  # the same question is asked again
    d.send(media("video", 2, file_size=DOWNLOAD_LIMIT))  # exactly 20 MB still goes
    assert len(d.state.answers.attachments) == 1


def test_size_and_type_survive_the_stored_state_and_odd_types_are_dropped(driver):
    d = driver()
    d.send(media("document", mime_type="application/pdf", file_size=123))
    d.send(media("document", 2, mime_type="text/html; charset=<script>", file_size=-5))
    again = load_state(dump_state(d.state))
    assert again.answers.attachments == d.state.answers.attachments
    first, second = again.answers.attachments
    assert (first.size, first.mime_type) == (123, "application/pdf")
    assert (second.size, second.mime_type) == (None, None)


def test_an_album_is_one_piece_and_other_attachments_go_alone() -> None:
    def item(n: int, kind: str, group: str | None = None) -> Numbered:
        return Numbered(n, Attachment(kind, file_id=f"F{n}", media_group_id=group))

    items = [
        item(1, "voice"),
        item(2, "photo", "A"),
        item(3, "video", "A"),
        item(4, "photo", "A"),
        item(5, "document", "A"),  # documents cannot share an album with photos
        item(6, "photo", "B"),
        item(7, "location"),
    ]
    assert [[n.position for n in p] for p in pieces(items)] == [[1], [2, 3, 4], [5], [6], [7]]
    many = [item(n, "photo", "C") for n in range(1, 13)]
    assert [len(p) for p in pieces(many)] == [10, 2]  # Telegram takes 10 in one album
