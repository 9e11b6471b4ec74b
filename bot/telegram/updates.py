"""Reading raw Telegram updates: which chat they belong to, and the flow event they carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Message, Update

from flows.core import ButtonEvent, CommandEvent, Event, MediaEvent, Place, TextEvent

CHANNEL = "telegram"

# The update types the bot asks Telegram for (setWebhook / getUpdates `allowed_updates`).
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")

_CHAT_CARRIERS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
)
_MEDIA = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "animation",
    "audio",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


def chat_id_of(raw: dict[str, Any]) -> int | None:
    """The chat an update belongs to, read from the raw JSON without trusting its shape."""
    for field in _CHAT_CARRIERS:
        carrier = raw.get(field)
        if isinstance(carrier, dict):
            chat = carrier.get("chat")
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                return int(chat["id"])
    query = raw.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            chat_id = message["chat"].get("id")
            if isinstance(chat_id, int):
                return chat_id
        sender = query.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None


def private_callback(raw: dict[str, Any]) -> tuple[int, str] | None:
    """(chat id, query id) of a button pressed in a private chat, read from the raw JSON."""
    query = raw.get("callback_query")
    if not isinstance(query, dict) or not isinstance(query.get("id"), str):
        return None
    message = query.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    if (
        not isinstance(chat, dict)
        or chat.get("type") != "private"
        or not isinstance(chat.get("id"), int)
    ):
        return None
    return int(chat["id"]), str(query["id"])


def parse_update(raw: dict[str, Any]) -> Update | None:
    """PTB's view of a raw update, or None when it is junk."""
    try:
        return Update.de_json(raw, None)
    except Exception:  # any shape PTB cannot read is junk, not a reason to retry
        return None


def _file_ids(message: Message, kind: str) -> tuple[str | None, str | None, int | None, str | None]:
    """Telegram's handles, size and type of the file a media message carries (the largest
    photo size)."""
    media = getattr(message, kind, None)
    if kind == "photo" and media:
        media = media[-1]
    file_id, unique = getattr(media, "file_id", None), getattr(media, "file_unique_id", None)
    size, mime = getattr(media, "file_size", None), getattr(media, "mime_type", None)
    return (
        file_id if isinstance(file_id, str) else None,
        unique if isinstance(unique, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        mime if isinstance(mime, str) else None,
    )


def _media_event(message: Message, kind: str, at: datetime, language: str | None) -> MediaEvent:
    """A media message with what the flow may keep: file handles, album, place, caption."""
    where = message.venue.location if kind == "venue" and message.venue else message.location
    file_id, unique, size, mime = (
        _file_ids(message, kind) if kind not in ("location", "venue") else (None, None, None, None)
    )
    group = message.media_group_id
    return MediaEvent(
        at=at,
        kind=kind,
        file_id=file_id,
        file_unique_id=unique,
        media_group_id=group if isinstance(group, str) else None,
        latitude=where.latitude if where is not None else None,
        longitude=where.longitude if where is not None else None,
        caption=message.caption,
        file_size=size,
        mime_type=mime,
        language=language,
    )


def _message_event(message: Message, at: datetime, language: str | None) -> Event:
    text = message.text
    if text is not None:
        entity = message.entities[0] if message.entities else None
        if (
            text.startswith("/")
            and entity is not None
            and entity.type == "bot_command"
            and entity.offset == 0
        ):
            head = text[1 : entity.length].split("@", 1)[0].lower()
            return CommandEvent(
                at=at, command=head, args=text[entity.length :].strip(), language=language
            )
        return TextEvent(at=at, text=text, language=language)
    for kind in _MEDIA:
        if getattr(message, kind, None):
            return _media_event(message, kind, at, language)
    return MediaEvent(at=at, kind="other", language=language)


def to_event(update: Update, at: datetime) -> Event | None:
    """The flow event a private-chat update carries, or None when it carries nothing for us.

    Every event carries the sender's client language (a hint, e.g. to offer Malay).
    """
    try:
        user = update.effective_user
        language = user.language_code if user is not None else None
        if update.callback_query is not None:
            return ButtonEvent(at=at, data=str(update.callback_query.data or ""), language=language)
        if update.message is not None:
            return _message_event(update.message, at, language)
    except Exception:  # fields of the wrong type in a junk update
        return None
    return None


@dataclass(frozen=True)
class Inbound:
    """One update as the engine sees it: the flow event, where it happened and who acted.

    `user_id` and `chat_id` never reach a flow or the database: the engine keys state by an
    HMAC of `user_id` and writes only to `chat_id`, through the sealed outbox.
    """

    channel: str
    chat_id: int
    user_id: int
    place: Place
    event: Event
    callback_query_id: str | None = None
    message_id: int | None = None  # the message whose button was pressed (for in-place edits)
    thread_id: int | None = None  # the forum topic the message was written in
    language_code: str | None = None  # the client's language, a hint for new conversations
    is_forum: bool = False  # the chat is a supergroup with forum topics
    reply_to_bot: bool = False  # the message answers one of a bot's messages


def _place(chat_type: str, chat_id: int, staff_chat_id: int | None) -> Place:
    if chat_type == "private":
        return Place.PRIVATE
    return Place.STAFF_GROUP if chat_id == staff_chat_id else Place.OTHER_GROUP


def is_id(value: object) -> bool:
    """A Telegram id: an int (not a bool) of at most 52 significant bits, as Telegram's are.

    PTB does not check types, so a forged update may carry a string, a float or a huge int
    where an id belongs; such an update is junk, not something to answer.
    """
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53


def to_inbound(update: Update, at: datetime, staff_chat_id: int | None) -> Inbound | None:
    """The engine's view of `update`, or None when it carries nothing for us."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or not is_id(chat.id) or (user is not None and not is_id(user.id)):
        return None
    if (chat.type == "private") != (chat.id > 0):  # Telegram's groups have negative ids
        return None
    if chat.type == "private" and user is not None and user.id != chat.id:
        return None  # a private chat's id is its user's: anything else is forged
    place = _place(chat.type, chat.id, staff_chat_id)
    if place is Place.OTHER_GROUP:  # only leaving matters there, whatever the update is
        return Inbound(CHANNEL, chat.id, user.id if user else 0, place, Event(at))
    event = to_event(update, at)
    if user is None or event is None:
        return None
    query = update.callback_query
    if query is not None and not isinstance(query.id, str):
        return None
    message = query.message if query is not None else update.message
    thread = getattr(message, "message_thread_id", None) if message is not None else None
    message_id = getattr(message, "message_id", None) if query is not None else None
    language = user.language_code if isinstance(user.language_code, str) else None
    return Inbound(
        CHANNEL,
        chat.id,
        user.id,
        place,
        event,
        callback_query_id=query.id if query is not None else None,
        message_id=message_id if is_id(message_id) else None,
        thread_id=thread if is_id(thread) else None,
        language_code=language,
        is_forum=bool(chat.is_forum),
        reply_to_bot=_answers_a_bot(update.message),
    )


def _answers_a_bot(message: Message | None) -> bool:
    """The message replies to a bot's message (in a forum topic, not merely to its opening)."""
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.forum_topic_created is not None:
        return False
    return replied.from_user is not None and replied.from_user.is_bot
