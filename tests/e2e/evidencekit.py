"""Evidence for end-to-end tests: a JPEG carrying GPS in its EXIF, voice notes, albums and
files of any declared size, sent by a FakeUser as Telegram would deliver them."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.fakes.users import Delivery, FakeUser

# A place near Tunon Taka, Nunukan, and the camera that "took" the photo.
GPS = {1: "N", 2: (4.0, 8.0, 24.0), 3: "E", 4: (117.0, 40.0, 12.0)}
CAMERA = "Zorgwyn-Phone-9000"
MEGABYTE = 1024 * 1024


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    """A real JPEG whose EXIF holds a GPS position, a camera model and an orientation."""
    image = Image.new("RGB", size, (180, 40, 40))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x0110] = CAMERA
    exif[0x8825] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def metadata_of(data: bytes) -> dict[str, Any]:
    """What an image still says about itself: EXIF tags, GPS, and any extra info chunks."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {
            "exif": dict(exif),
            "gps": dict(exif.get_ifd(0x8825)),
            "info": sorted(k for k in image.info if not k.startswith("jfif")),
            "size": image.size,
        }


async def send_file(
    user: FakeUser,
    data: bytes,
    *,
    name: str,
    mime: str,
    declared: int | None = None,
    report_size: bool = True,
) -> Delivery:
    """A document; `declared` stands for a file larger than the bytes held, `report_size=False`
    leaves file_size out of the update (Telegram may)."""
    stored = user.fake.store.add_file(data, "document", name.rsplit(".")[-1], mime)
    stored.declared_size = declared
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": name,
        "mime_type": mime,
    }
    if report_size:
        document["file_size"] = stored.size
    return await user.send_message({"document": document})


async def send_voice(user: FakeUser, data: bytes = b"OggS fake opus voice") -> Delivery:
    """A voice note."""
    stored = user.fake.store.add_file(data, "voice", "oga", "audio/ogg")
    voice = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": 3,
        "mime_type": "audio/ogg",
        "file_size": len(data),
    }
    return await user.send_message({"voice": voice})


async def send_album(user: FakeUser, images: list[bytes], group: str) -> list[Delivery]:
    """Photos sent together: one message each, sharing a media_group_id."""
    sent = []
    for data in images:
        stored = user.fake.store.add_file(data, "photo", "jpg", "image/jpeg")
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(data),
            "width": 64,
            "height": 48,
        }
        sent.append(await user.send_message({"photo": [size], "media_group_id": group}))
    return sent
