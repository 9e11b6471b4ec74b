"""Sample files a demo user can send, made on the spot: a picture and a short voice note.

Nothing is downloaded and nothing real is in them: the picture is a drawn landscape, the voice
note two seconds of Opus silence in an Ogg container (what Telegram's voice notes are).
"""

from __future__ import annotations

import struct
import zlib

# --- a PNG picture ------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def sample_png(seed: int = 0, width: int = 320, height: int = 200) -> bytes:
    """A small RGB picture (sky, sea, a sun and a boat) that differs a little by `seed`."""
    sun_x, sun_y = 60 + (seed * 53) % (width - 120), 50
    boat_x = 40 + (seed * 97) % (width - 120)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(width):
            if (x - sun_x) ** 2 + (y - sun_y) ** 2 < 400:
                pixel = (250, 200, 60)
            elif 130 <= y < 145 and boat_x <= x < boat_x + 60 + (y - 130):
                pixel = (120, 60, 30)
            elif y < 140:
                pixel = (90 + y // 3, 150 + y // 4, 230)
            else:
                pixel = (20, 90 + (x + y) % 20, 130)
            row += bytes(pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


# --- an Ogg Opus voice note ---------------------------------------------------------------------

_OPUS_SILENCE = b"\xf8\xff\xfe"  # one 20 ms CELT frame of silence, the usual "no sound" packet
_SAMPLES_PER_FRAME = 960  # 20 ms at 48 kHz, the rate Opus granule positions count in


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packets: list[bytes], granule: int, sequence: int, flags: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = (
        b"OggS"
        + bytes([0, flags])
        + struct.pack("<qII", granule, 0x4C415054, sequence)
        + b"\x00\x00\x00\x00"
        + bytes([len(lacing)])
        + bytes(lacing)
    )
    page = header + b"".join(packets)
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def sample_ogg(seconds: int = 2) -> bytes:
    """`seconds` of silence as an Ogg Opus file (mono, 48 kHz)."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 10) + b"lapor-tppo" + struct.pack("<I", 0)
    frames = seconds * 50
    pages = [_ogg_page([head], 0, 0, 0x02), _ogg_page([tags], 0, 1, 0)]
    sequence, done = 2, 0
    while done < frames:
        count = min(50, frames - done)
        done += count
        pages.append(
            _ogg_page(
                [_OPUS_SILENCE] * count,
                312 + done * _SAMPLES_PER_FRAME,
                sequence,
                0x04 if done == frames else 0,
            )
        )
        sequence += 1
    return b"".join(pages)
