"""Nothing thrown away: typed words and media received at any step are kept for the report.

Typed words go to the story draft (shown back on review); a voice note, photo, video, file or
location becomes an attachment ("kept, pending") with its caption added to the words. Only
stickers and the like are refused. The helpers return the new answers and the line to tell the
reporter; `first_message`, `on_text` and `on_media` are the flow's steps for such messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from flows.core import Event, Join, MediaEvent, Msg, Text, TextEvent, Transition, t
from flows.domain.catalog import Catalog
from flows.domain.report import (
    DOWNLOAD_LIMIT,
    KEPT_KINDS,
    MAX_ATTACHMENTS,
    PLACE_TEXT_LIMIT,
    STORY_LIMIT,
    Attachment,
    clean_mime,
    clean_size,
)
from flows.intake import text as txt
from flows.intake.messages import too_long
from flows.intake.state import FREE_TEXT_NODES, Answers, IntakeState, Node
from flows.intake.steps import advance, ask, begin

Step = Transition[IntakeState]

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
    return Attachment(
        kind,
        file_id=event.file_id,
        file_unique_id=event.file_unique_id,
        media_group_id=event.media_group_id,
        size=clean_size(event.file_size),
        mime_type=clean_mime(event.mime_type),
    )


def warning(kept: Attachment) -> Text | None:
    """A short, kind note on what a file may give away: a photo sent "as a file" keeps the
    place and time it was taken (we clean it, but Telegram got the original); a voice can be
    recognised."""
    if kept.kind == "document" and (kept.mime_type or "").startswith("image/"):
        return txt.WARN_PHOTO_AS_FILE
    if kept.kind in ("voice", "video_note"):
        return txt.WARN_VOICE
    return None


def same_album(a: Answers, kept: Attachment) -> bool:
    """`kept` belongs to the album whose first item is already kept (no second notice)."""
    last = a.attachments[-1] if a.attachments else None
    return (
        kept.media_group_id is not None
        and last is not None
        and last.media_group_id == kept.media_group_id
    )


def keep_media(a: Answers, event: MediaEvent) -> Kept:
    """The answers with this media kept (and its caption added to the words)."""
    kept = attachment(event)
    if kept is None:
        return Kept(a, txt.NOTICE_NOT_KEPT)
    if kept.size is not None and kept.size > DOWNLOAD_LIMIT:
        return Kept(a, txt.NOTICE_TOO_BIG)
    if len(a.attachments) >= MAX_ATTACHMENTS:
        return Kept(a, txt.NOTICE_FULL)
    quiet = same_album(a, kept)
    new = replace(a, attachments=(*a.attachments, kept))
    notice: Text = txt.KEPT[kept.kind]
    caution = warning(kept)
    if caution is not None:
        notice = Join((notice, caution), sep=" ")
    caption = (event.caption or "").strip()
    if caption:
        with_words, problem = add_words(new, caption)
        if problem is None:
            new, notice = with_words, Join((notice, txt.NOTICE_CAPTION_KEPT), sep=" ")
    return Kept(new, None if quiet else notice)


# --- the flow's steps for messages that are not commands or buttons ----------------------------


def first_message(s: IntakeState, event: Event, locales: Sequence[str]) -> Step:
    """A message opens the conversation: what it says or holds is kept for the report."""
    if isinstance(event, TextEvent) and event.text.strip():
        answers, notice = first_words(event.text.strip())
        return begin(s, locales, notice, answers, event.language)
    if isinstance(event, MediaEvent):
        kept = keep_media(Answers(), event)
        if kept.answers != Answers():
            return begin(s, locales, kept.notice, kept.answers, event.language)
    return begin(s, locales, language=event.language)


def on_text(catalog: Catalog, s: IntakeState, text: str) -> Step:
    """Typed text in a report: the story, a typed place, or words kept with the story."""
    typed = text.strip()
    a = s.answers
    if not typed:
        return ask(
            catalog, s, txt.NOTICE_EMPTY if s.node in FREE_TEXT_NODES else txt.NOTICE_BUTTONS
        )
    if s.node is Node.STORY:
        added, problem = add_words(a, typed)
        return ask(catalog, s, problem) if problem else advance(catalog, s, added)
    if s.node in (Node.PLACE_KIND, Node.PLACE_TYPED) and not a.child_path:
        at_typed = replace(s, node=Node.PLACE_TYPED)
        if len(typed) > PLACE_TEXT_LIMIT:
            return ask(catalog, at_typed, too_long(len(typed), PLACE_TEXT_LIMIT))
        placed = replace(a, place_kind="typed", place=None, place_text=typed)
        return advance(catalog, at_typed, placed)
    # Words typed where a button is expected are kept with the story, never dropped.
    added, problem = add_words(a, typed)
    return ask(catalog, replace(s, answers=added), problem or txt.NOTICE_TEXT_KEPT)


def on_media(catalog: Catalog, s: IntakeState, event: MediaEvent) -> Step:
    """A voice note, photo, place... in a report: kept and said so (the rest of an album
    quietly)."""
    kept = keep_media(s.answers, event)
    new = replace(s, answers=kept.answers)
    if kept.notice is None:
        return Transition(new)
    return ask(catalog, new, kept.notice)
