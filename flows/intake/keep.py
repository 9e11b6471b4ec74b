"""Nothing thrown away: typed words and media received at any step are kept for the report.

Pure helpers: each returns the new answers and the line to tell the reporter. Typed words go to
the story draft (shown back on review); a voice note, photo, video, file or location becomes an
attachment ("kept, pending") with its caption added to the words. Only stickers and the like
are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flows.core import Join, MediaEvent, Msg, Text, t
from flows.domain.report import KEPT_KINDS, MAX_ATTACHMENTS, STORY_LIMIT, Attachment
from flows.intake import text as txt
from flows.intake.messages import too_long
from flows.intake.state import Answers

_ALIASES = {"venue": "location"}  # a venue is a location with a name


@dataclass(frozen=True)
class Kept:
    """The answers after keeping something, and what to say (None: say nothing)."""

    answers: Answers
    notice: Text | None


def add_words(a: Answers, words: str) -> tuple[Answers, Msg | None]:
    """`words` added to the story draft; or unchanged with a request to shorten."""
    story = f"{a.story}\n\n{words}" if a.story else words
    if len(story) > STORY_LIMIT:
        return a, too_long(len(words), STORY_LIMIT - (len(story) - len(words)))
    return replace(a, story=story), None


def first_words(words: str) -> tuple[Answers, Text]:
    """A conversation opened with typed words: they become the story draft."""
    if len(words) <= STORY_LIMIT:
        return Answers(story=words), txt.NOTICE_FIRST_KEPT
    cut = t("It was long, so the first {limit} characters are kept.", limit=STORY_LIMIT)
    return Answers(story=words[:STORY_LIMIT]), Join((txt.NOTICE_FIRST_KEPT, cut), sep=" ")


def attachment(event: MediaEvent) -> Attachment | None:
    """What is kept of a media message, or None for stickers and the like."""
    kind = _ALIASES.get(event.kind, event.kind)
    if kind not in KEPT_KINDS:
        return None
    if kind == "location":
        if event.latitude is None or event.longitude is None:
            return None
        return Attachment(kind, latitude=event.latitude, longitude=event.longitude)
    if event.file_id is None:
        return None
    return Attachment(kind, file_id=event.file_id, file_unique_id=event.file_unique_id,
                      media_group_id=event.media_group_id)


def same_album(a: Answers, kept: Attachment) -> bool:
    """`kept` belongs to the album whose first item is already kept (no second notice)."""
    last = a.attachments[-1] if a.attachments else None
    return kept.media_group_id is not None and last is not None \
        and last.media_group_id == kept.media_group_id


def keep_media(a: Answers, event: MediaEvent) -> Kept:
    """The answers with this media kept (and its caption added to the words)."""
    kept = attachment(event)
    if kept is None:
        return Kept(a, txt.NOTICE_NOT_KEPT)
    if len(a.attachments) >= MAX_ATTACHMENTS:
        return Kept(a, txt.NOTICE_FULL)
    quiet = same_album(a, kept)
    new = replace(a, attachments=(*a.attachments, kept))
    notice: Text = txt.KEPT[kept.kind]
    caption = (event.caption or "").strip()
    if caption:
        with_words, problem = add_words(new, caption)
        if problem is None:
            new, notice = with_words, Join((notice, txt.NOTICE_CAPTION_KEPT), sep=" ")
    return Kept(new, None if quiet else notice)
