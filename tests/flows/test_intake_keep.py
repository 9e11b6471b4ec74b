"""Nothing thrown away: a first message, voice notes, photos and places are kept for the report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.core import CommandEvent, MediaEvent, TextEvent
from flows.domain.report import MAX_ATTACHMENTS, STORY_LIMIT, Attachment
from flows.intake import Node, SubmitReport

AT = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)


def voice(file_id: str = "AwACAgUAAx", group: str | None = None, **extra) -> MediaEvent:
    return MediaEvent(
        AT, "voice", file_id=file_id, file_unique_id="AgADvQ", media_group_id=group, **extra
    )


def to_review(d):
    while d.state.node is not Node.REVIEW:
        code = {Node.INDICATORS: "in|!done"}.get(d.state.node)
        d.press(f"1|{code}" if code else f"1|{d.data[-2].split('|')[1]}|!skip")
    return d


def test_a_first_typed_message_becomes_the_story_draft(driver):
    d = driver()
    d.send(TextEvent(AT, "Tolong, saya dikurung majikan di Tawau."))
    assert d.state.node is Node.DANGER
    assert d.state.answers.story == "Tolong, saya dikurung majikan di Tawau."
    assert len(d.replies) == 1
    assert d.said.startswith("Thank you. Your message is kept")
    to_review(d)
    assert "<b>Your words:</b> Tolong, saya dikurung majikan di Tawau." in d.said
    (submit,) = d.press("1|rv|send").effects
    assert isinstance(submit, SubmitReport)
    assert submit.report.story == "Tolong, saya dikurung majikan di Tawau."


def test_a_very_long_first_message_keeps_the_first_3000_characters(driver):
    d = driver()
    d.text("a" * 5000)
    assert d.state.answers.story == "a" * STORY_LIMIT
    assert "the first 3000 characters are kept" in d.said


def test_a_first_voice_note_is_kept_and_the_reporter_is_told(driver):
    d = driver()
    d.send(voice())
    assert d.state.node is Node.DANGER
    assert d.state.answers.attachments == (
        Attachment("voice", file_id="AwACAgUAAx", file_unique_id="AgADvQ"),
    )
    assert d.said.startswith("🎙 Voice note kept with the report.")
    assert "report human trafficking without giving your name" in d.said
    assert len(d.replies) == 1


def test_a_first_sticker_just_gets_the_welcome(driver):
    d = driver()
    d.send(MediaEvent(AT, "sticker", file_id="CAACAgIAAx"))
    assert d.state.node is Node.DANGER and d.state.answers.attachments == ()
    assert d.said.startswith("<b>Lapor TPPO</b>")


@pytest.mark.parametrize(
    ("event", "kept"),
    [
        (
            MediaEvent(AT, "photo", file_id="AgACAgUAAx", file_unique_id="AQADx"),
            Attachment("photo", file_id="AgACAgUAAx", file_unique_id="AQADx"),
        ),
        (
            MediaEvent(AT, "video_note", file_id="DQACAgUAAx"),
            Attachment("video_note", file_id="DQACAgUAAx"),
        ),
        (
            MediaEvent(AT, "document", file_id="BQACAgUAAx"),
            Attachment("document", file_id="BQACAgUAAx"),
        ),
        (
            MediaEvent(AT, "location", latitude=4.2447, longitude=117.8912),
            Attachment("location", latitude=4.2447, longitude=117.8912),
        ),
        (
            MediaEvent(AT, "venue", latitude=4.2447, longitude=117.8912),
            Attachment("location", latitude=4.2447, longitude=117.8912),
        ),
    ],
)
def test_media_at_any_step_is_kept(at, event, kept):
    from tests.flows.test_intake import ACTIVE

    for node in ACTIVE:
        d = at(node)
        before = d.state
        d.send(event)
        assert d.state.node is node
        assert d.state.answers.attachments == (*before.answers.attachments, kept)
        assert "kept with the report" in d.said


def test_a_caption_is_kept_with_the_words(at):
    d = at(Node.WHEN)
    d.send(MediaEvent(AT, "photo", file_id="AgAC", caption=" Ini paspornya "))
    assert d.state.answers.story == "Ini paspornya"
    assert "The words sent with it are kept too." in d.said


def test_an_album_is_acknowledged_once(at):
    d = at(Node.WHEN)
    assert len(d.send(voice("a1", group="13")).replies) == 1
    assert d.send(voice("a2", group="13")).replies == ()
    assert d.send(voice("a3", group="13")).replies == ()
    assert len(d.send(voice("b1", group="14")).replies) == 1
    assert [a.file_id for a in d.state.answers.attachments] == ["a1", "a2", "a3", "b1"]


def test_there_is_a_limit_and_it_is_said(at):
    d = at(Node.WHEN)
    for n in range(MAX_ATTACHMENTS):
        d.send(voice(f"v{n}"))
    d.send(voice("one-too-many"))
    assert len(d.state.answers.attachments) == MAX_ATTACHMENTS
    assert "as many files as it can" in d.said


@pytest.mark.parametrize(
    "event", [MediaEvent(AT, "photo"), MediaEvent(AT, "location", latitude=1.0)]
)
def test_media_missing_what_is_needed_is_not_kept(at, event):
    d = at(Node.WHEN)
    before = d.state
    d.send(event)
    assert d.state == before and "stickers and the like" in d.said


def test_the_review_counts_what_was_kept_and_it_can_be_removed(driver):
    d = driver()
    d.send(voice())
    d.send(MediaEvent(AT, "photo", file_id="p1"))
    d.send(MediaEvent(AT, "photo", file_id="p2"))
    to_review(d)
    assert "<b>Kept with it:</b> 2 photos, 1 voice note" in d.said
    assert "1|rv|nofiles" in d.data
    (submit,) = driver(d.state).press("1|rv|send").effects
    assert [a.kind for a in submit.report.attachments] == ["voice", "photo", "photo"]
    d.press("1|rv|nofiles")
    assert d.state.answers.attachments == () and "removed from this report" in d.said
    assert "1|rv|nofiles" not in d.data


def test_a_report_with_only_a_voice_note_is_not_empty(driver):
    d = driver()
    d.send(voice())
    (submit,) = to_review(d).press("1|rv|send").effects
    assert isinstance(submit, SubmitReport) and not submit.report.low_information


def test_client_language_offers_malay_on_the_first_screen(driver):
    d = driver()
    d.send(CommandEvent(AT, "start", language="ms"))
    assert d.state.locale == "id"
    assert "Bahasa Melayu" in d.labels and d.data[-2] == "1|lg|ms"
    d.press("1|lg|ms")
    assert d.state.locale == "ms" and d.state.node is Node.DANGER
    assert "Bahasa Melayu" not in d.labels


@pytest.mark.parametrize("language", ["ms-MY", "ms_MY", "MS"])
def test_malay_is_offered_for_regional_codes_too(driver, language):
    d = driver()
    d.send(CommandEvent(AT, "start", language=language))
    assert "1|lg|ms" in d.data


@pytest.mark.parametrize("language", [None, "id", "fr", "ms" * 20])
def test_no_language_offer_otherwise(driver, language):
    d = driver()
    d.send(CommandEvent(AT, "start", language=language))
    assert not any(x.startswith("1|lg|") for x in d.data)
