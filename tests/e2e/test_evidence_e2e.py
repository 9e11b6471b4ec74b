"""Evidence reaches the task force safely: re-encoded without metadata, hashed, in order after
the card, an album as one, and never forwarded; what cannot go on gets a kind answer."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sqlalchemy import select

from storage.db import create_engine, session_factory
from storage.models import TicketEvidence
from tests.e2e.evidencekit import (
    CAMERA,
    MEGABYTE,
    jpeg_with_gps,
    metadata_of,
    send_album,
    send_file,
    send_voice,
)
from tests.e2e.harness import (
    SENTINEL,
    STAFF_CHAT_ID,
    Walk,
    file_report_until_send,
    make_settings,
    running_app,
    step,
)
from tests.fakes import FakeBotApi
from tests.fakes.botapi_asgi import Call
from tests.fakes.botapi_validate import Upload

REFERENCE = re.compile(r"TPPO-[0-9A-HJKMNP-TV-Z]{6}")
RECEIPT = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")
IDENTITY = [str(v).lower() for v in SENTINEL.values()]


async def _evidence(url: str) -> list[TicketEvidence]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.scalars(select(TicketEvidence).order_by(TicketEvidence.position))
            return list(rows)
    finally:
        await engine.dispose()


def _to_staff(fake: FakeBotApi) -> list[Call]:
    return [c for c in fake.calls if str(c.params.get("chat_id")) == str(STAFF_CHAT_ID)]


def _uploads(value: Any) -> list[Upload]:
    """Every uploaded file in a call's parameters (also inside an album's items)."""
    if isinstance(value, Upload):
        return [value]
    if isinstance(value, dict):
        return [u for v in value.values() for u in _uploads(v)]
    if isinstance(value, list):
        return [u for v in value for u in _uploads(v)]
    return []


def _no_identity(call: Call) -> None:
    text = json.dumps(call.params, default=repr, ensure_ascii=False).lower()
    assert [s for s in IDENTITY if s in text] == [], call.method
    for upload in _uploads(call.params):
        assert [s for s in IDENTITY if s.encode() in upload.data.lower()] == [], call.method


async def test_evidence_goes_on_cleaned_hashed_after_the_card_and_never_forwarded(
    fake: FakeBotApi, database_url: str
) -> None:
    photo_file = jpeg_with_gps()
    album = [jpeg_with_gps((40, 30), 1), jpeg_with_gps((30, 40), 3)]
    pdf = b"%PDF-1.4 contract of the employer"
    async with running_app(make_settings(fake, database_url), fake):
        user = fake.user(**SENTINEL)
        await file_report_until_send(user, Walk(story=None))
        # A photo sent "as a file" keeps its EXIF and GPS: a kind warning.
        await send_file(user, photo_file, name="IMG_zorgwyn_q.jpg", mime="image/jpeg")
        (said,) = await user.wait_for_reply(timeout=10)
        assert "File kept with the report" in said["text"]
        assert "can carry the place and time they were taken" in said["text"]
        await send_voice(user)
        (said,) = await user.wait_for_reply(timeout=10)
        assert "Voice note kept" in said["text"]
        assert "a voice can be recognised" in said["text"]
        await send_file(user, pdf, name="kontrak_zorgwyn.pdf", mime="application/pdf")
        (said,) = await user.wait_for_reply(timeout=10)
        assert "can carry the place" not in said["text"]
        await send_album(user, album, group="13371337")
        (said,) = await user.wait_for_reply(timeout=10)  # one notice for the album
        assert "Photo kept" in said["text"]
        (confirmation,) = await step(user, "press", "Send report")
        reference = REFERENCE.search(confirmation["text"])
        assert reference is not None

        def all_there() -> bool:
            return len(fake.messages_in(STAFF_CHAT_ID)) >= 6  # card, 3 pieces, album of 2

        await fake.wait_for(all_there, 20, "the card and its evidence")

    staff = fake.messages_in(STAFF_CHAT_ID)
    card, *evidence = staff
    assert reference.group(0) in card["text"]
    assert "📎 Evidence, sent below the card: 2 photos, 1 voice note, 2 files" in card["text"]
    # In order after the card, each replying to it.
    assert [m.get("reply_to_message", {}).get("message_id") for m in evidence] == [
        card["message_id"]
    ] * 5
    assert "document" in evidence[0] and "voice" in evidence[1] and "document" in evidence[2]
    assert "photo" in evidence[3] and "photo" in evidence[4]
    assert evidence[3]["media_group_id"] == evidence[4]["media_group_id"]  # one album

    calls = _to_staff(fake)
    (image_call,) = [c for c in calls if c.method == "sendDocument" and "jpeg" in str(c.params)]
    (upload,) = _uploads(image_call.params)
    cleaned = metadata_of(upload.data)
    assert cleaned["exif"] == {} and cleaned["gps"] == {} and cleaned["info"] == []
    assert cleaned["size"] == (48, 64)  # the EXIF orientation was applied before it went
    assert CAMERA.encode() not in upload.data
    assert upload.filename == f"{reference.group(0)}-1.jpg"  # never the reporter's file name
    (album_call,) = [c for c in calls if c.method == "sendMediaGroup"]
    assert len(album_call.params["media"]) == 2
    for item in _uploads(album_call.params):
        assert metadata_of(item.data)["gps"] == {}
    (pdf_call,) = [c for c in calls if c.method == "sendDocument" and c is not image_call]
    (pdf_upload,) = _uploads(pdf_call.params)
    assert pdf_upload.data == pdf and pdf_upload.filename == f"{reference.group(0)}-3.pdf"
    assert all(c.params.get("protect_content") for c in calls if c.method.startswith("send"))

    # SHA-256, size and type of each original are kept with the ticket.
    rows = await _evidence(database_url)
    originals = [photo_file, b"OggS fake opus voice", pdf, *album]
    assert [(r.ticket_ref, r.position) for r in rows] == [
        (reference.group(0), n) for n in range(1, 6)
    ]
    assert [r.sha256 for r in rows] == [hashlib.sha256(o).hexdigest() for o in originals]
    assert [r.size for r in rows] == [len(o) for o in originals]
    assert [r.kind for r in rows] == ["document", "voice", "document", "photo", "photo"]
    assert [r.mime_type for r in rows][:3] == ["image/jpeg", "audio/ogg", "application/pdf"]
    assert rows[0].sha256 is not None and rows[0].sha256[:16] in str(image_call.params["caption"])

    # Nothing is ever forwarded, and no identity reaches the group.
    assert not fake.calls_for("forwardMessage") and not fake.calls_for("forwardMessages")
    for call in calls:
        _no_identity(call)
    assert not fake.failed_calls()


async def test_oversized_files_get_a_kind_answer_and_nothing_breaks(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user()
        await file_report_until_send(user, Walk(story=None))
        # Telegram says how big it is: refused at once, kindly, and the report goes on.
        await send_file(
            user, b"x" * 100, name="video.mp4", mime="video/mp4", declared=25 * MEGABYTE
        )
        (said,) = await user.wait_for_reply(timeout=10)
        assert "too big for us to receive" in said["text"]
        # It does not say: kept, then getFile refuses it; the group is told, honestly.
        await send_file(
            user,
            b"y" * 100,
            name="rekaman.mp4",
            mime="video/mp4",
            declared=21 * MEGABYTE,
            report_size=False,
        )
        (said,) = await user.wait_for_reply(timeout=10)
        assert "File kept" in said["text"]
        (confirmation,) = await step(user, "press", "Send report")
        assert REFERENCE.search(confirmation["text"])
        await fake.wait_for(lambda: len(fake.messages_in(STAFF_CHAT_ID)) >= 2, 20, "the note")
    card, note = fake.messages_in(STAFF_CHAT_ID)
    assert "1 file" in card["text"]
    assert "Telegram would not give us this file" in note["text"]
    assert note["reply_to_message"]["message_id"] == card["message_id"]
    (refused,) = [c for c in fake.calls_for("getFile") if not c.ok]
    assert "file is too big" in json.dumps(refused.response)
    rows = await _evidence(sqlite_url)
    assert [(r.position, r.sha256) for r in rows] == [(1, None)]  # never fetched, never hashed


async def test_a_photo_telegram_will_not_take_as_a_photo_goes_as_a_clean_file(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    panorama = jpeg_with_gps((2100, 100), 1)  # wider than Telegram's 20:1 for photos
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user()
        await file_report_until_send(user, Walk(story=None))
        await user.send_photo(data=panorama)
        await user.wait_for_reply(timeout=10)
        await step(user, "press", "Send report")
        await fake.wait_for(lambda: len(fake.messages_in(STAFF_CHAT_ID)) >= 2, 20, "the file")
    card, file = fake.messages_in(STAFF_CHAT_ID)
    assert "document" in file and file["reply_to_message"]["message_id"] == card["message_id"]
    (refused,) = [c for c in fake.calls_for("sendPhoto") if not c.ok]
    assert "PHOTO_INVALID_DIMENSIONS" in str(refused.response)
    (sent,) = [c for c in fake.calls_for("sendDocument") if c.ok]
    (upload,) = _uploads(sent.params)
    assert metadata_of(upload.data) == {"exif": {}, "gps": {}, "info": [], "size": (2100, 100)}


async def test_in_a_group_with_topics_evidence_follows_the_card_into_its_topic(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    fake.make_forum(STAFF_CHAT_ID)
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user()
        await file_report_until_send(user, Walk(story=None))
        await user.send_location(4.13, 117.66)
        await user.wait_for_reply(timeout=10)
        await step(user, "press", "Send report")
        await fake.wait_for(lambda: len(fake.messages_in(STAFF_CHAT_ID)) >= 2, 20, "the place")
    card, place = fake.messages_in(STAFF_CHAT_ID)
    assert card.get("message_thread_id") is not None
    assert place["message_thread_id"] == card["message_thread_id"]
    assert place["location"] == {"latitude": 4.13, "longitude": 117.66}
    assert place["reply_to_message"]["message_id"] == card["message_id"]


async def test_a_photo_added_later_with_the_receipt_goes_on_cleaned_too(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(**SENTINEL)
        await file_report_until_send(user)
        (confirmation,) = await step(user, "press", "Send report")
        (receipt,) = RECEIPT.findall(confirmation["text"])
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), 20, "the card")
        card = fake.messages_in(STAFF_CHAT_ID)[0]

        friend = fake.user(user_id=5161, started=True)  # another phone, the same receipt
        await friend.send_text(f"/status {receipt}")
        await friend.wait_for_reply(timeout=10)
        await friend.press("Add information")
        await friend.wait_for_reply(timeout=10)
        await send_file(friend, jpeg_with_gps(), name="IMG_later.jpg", mime="image/jpeg")

        def uploaded() -> list[Call]:
            return [c for c in _to_staff(fake) if c.method == "sendDocument"]

        def noted() -> bool:
            texts = [m.get("text", "") for m in fake.messages_in(STAFF_CHAT_ID)]
            return any("one attachment, sent below the card" in t for t in texts)

        await fake.wait_for(uploaded, 20, "the added photo in the group")
        await fake.wait_for(noted, 20, "the note that it was added")
    (call,) = uploaded()
    (upload,) = _uploads(call.params)
    cleaned = metadata_of(upload.data)
    assert cleaned["exif"] == {} and cleaned["gps"] == {}
    assert call.params.get("reply_to_message_id") == card["message_id"] or (
        call.params.get("reply_parameters", {}).get("message_id") == card["message_id"]
    )
    for staff_call in _to_staff(fake):
        _no_identity(staff_call)
    assert not [c for c in fake.calls if c.method.startswith("forward")]
