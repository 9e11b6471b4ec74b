"""Evidence: a ticket's attachments as the task force receives them, one piece at a time.

An album the reporter sent together (`media_group_id`) is one piece, sent as one album; every
other attachment is a piece of its own. What the staff group reads with each piece is here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flows.core import Msg, t
from flows.domain.report import Attachment

ALBUM_LIMIT = 10  # items Telegram takes in one album
# Kinds Telegram lets share one album: photos with videos; documents only with documents.
_ALBUM_FAMILY = {"photo": "visual", "video": "visual", "document": "document", "audio": "audio"}

# What the staff group reads beside each piece (plain text); `{sha}` stays a placeholder,
# filled in once the file is fetched.
SHA = "{sha}"


def caption(reference: str, position: int) -> Msg:
    """The caption of one item of evidence."""
    return t(
        "📎 {reference} · evidence {position} · SHA-256 of the original: {sha}",
        reference=reference,
        position=position,
        sha=SHA,
    )


def not_fetched(reference: str, position: int) -> Msg:
    """Said instead of an item Telegram would not give us."""
    return t(
        "📎 {reference} · evidence {position}: Telegram would not give us this file (too big "
        "or no longer there), so it could not be passed on.",
        reference=reference,
        position=position,
    )


def not_cleaned(reference: str, position: int) -> Msg:
    """Said instead of an image whose metadata could not be removed."""
    return t(
        "📎 {reference} · evidence {position}: an image whose hidden data (place, time, "
        "device) could not be removed, so it is not passed on. SHA-256 of the original: {sha}",
        reference=reference,
        position=position,
        sha=SHA,
    )


@dataclass(frozen=True)
class Numbered:
    """An attachment with its place in the ticket's evidence (1, 2...)."""

    position: int
    attachment: Attachment


@dataclass(frozen=True)
class Evidence:
    """What is kept with a ticket about one attachment: never its content or Telegram handle."""

    ticket_ref: str
    position: int
    kind: str
    mime_type: str | None
    size: int | None
    sha256: str | None


def positions(items: Sequence[Numbered]) -> str:
    """ "3" or "3-5": the numbers a piece covers."""
    first, last = items[0].position, items[-1].position
    return str(first) if first == last else f"{first}-{last}"


def pieces(items: Sequence[Numbered]) -> list[tuple[Numbered, ...]]:
    """Group attachments into pieces: the items of one album together (as far as Telegram
    lets them share an album), everything else alone."""
    out: list[list[Numbered]] = []
    for item in items:
        a = item.attachment
        last = out[-1][-1].attachment if out else None
        if (
            last is not None
            and a.media_group_id is not None
            and last.media_group_id == a.media_group_id
            and _ALBUM_FAMILY.get(a.kind) is not None
            and _ALBUM_FAMILY.get(a.kind) == _ALBUM_FAMILY.get(last.kind)
            and len(out[-1]) < ALBUM_LIMIT
        ):
            out[-1].append(item)
        else:
            out.append([item])
    return [tuple(piece) for piece in out]
