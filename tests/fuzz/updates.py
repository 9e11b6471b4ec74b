"""Hypothesis strategies for what may reach the webhook: Telegram-shaped updates, and anything.

Shapes follow Telegram's (message, edited message, button press, membership change, ...) with
fields left out, of the wrong type, oversized, or full of any code point, lone surrogates
included. Chats come mostly from a small pool, so that the same chats get many updates and a
stuck chat would show.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

CHATS = (8101, 8102, 8103)  # private chats of users who opened the bot (see the test)
GROUP = -1001234567890  # the staff group of tests.e2e.harness

# Any code point, lone surrogates and NUL included (the JSON encoder escapes them).
ANY_CHAR = st.characters(codec=None, categories=None)
texts = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.sampled_from(["/start", "/bantuan", "/help", "/batal", "/tiket", "/start x", "Send report"]),
    st.text(ANY_CHAR, min_size=4000, max_size=12000),  # past Telegram's 4,096
)
huge_ints = st.integers(min_value=-(2**70), max_value=2**70)
ints = st.one_of(st.integers(min_value=-(2**31), max_value=2**31), huge_ints)
chat_ids = st.one_of(st.sampled_from([*CHATS, GROUP]), ints)
json_scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=False), texts)
any_json: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the value, sometimes something of another type."""
    return st.one_of(value, value, value, any_json)


@st.composite
def users(draw: st.DrawFn, user_id: int | None = None) -> dict[str, Any]:
    """A `User`, perhaps with odd names and fields."""
    user: dict[str, Any] = {
        "id": user_id if user_id is not None else draw(maybe(chat_ids)),
        "is_bot": draw(maybe(st.booleans())),
        "first_name": draw(maybe(texts)),
    }
    if draw(st.booleans()):
        user["language_code"] = draw(maybe(st.sampled_from(["id", "ms", "en", "xx", ""])))
    if draw(st.booleans()):
        user["username"] = draw(maybe(texts))
    return user


@st.composite
def chats(draw: st.DrawFn) -> tuple[int | Any, dict[str, Any]]:
    chat_id = draw(maybe(chat_ids))
    kind = "supergroup" if isinstance(chat_id, int) and chat_id < 0 else "private"
    chat = {"id": chat_id, "type": draw(maybe(st.sampled_from([kind, "group", "channel"])))}
    return chat_id, chat


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    """A `Message` with some content (text, photo, location, sticker, contact, ...) or none."""
    chat_id, chat = draw(chats())
    message: dict[str, Any] = {
        "message_id": draw(maybe(ints)),
        "date": draw(maybe(ints)),
        "chat": chat,
        "from": draw(users(chat_id if isinstance(chat_id, int) and chat_id > 0 else None)),
    }
    content = draw(
        st.sampled_from(["text", "photo", "location", "sticker", "contact", "none", "any"])
    )
    if content == "text":
        message["text"] = draw(maybe(texts))
        if draw(st.booleans()):
            message["entities"] = draw(maybe(st.just([{"type": "bot_command", "offset": 0}])))
    elif content == "photo":
        size = {"file_id": draw(maybe(texts)), "file_unique_id": "u", "width": 1, "height": 1}
        message["photo"] = draw(maybe(st.just([size])))
        message["caption"] = draw(maybe(texts))
    elif content == "location":
        coordinate = st.floats(allow_nan=False, allow_infinity=False)
        message["location"] = {"latitude": draw(maybe(coordinate)), "longitude": draw(coordinate)}
    elif content == "sticker":
        message["sticker"] = draw(maybe(st.just({"file_id": "s", "type": "regular"})))
    elif content == "contact":
        message["contact"] = {"phone_number": draw(maybe(texts)), "first_name": "x"}
    elif content == "any":
        message[draw(st.text(max_size=12))] = draw(any_json)
    if draw(st.integers(0, 9)) == 0:
        message["reply_to_message"] = draw(maybe(st.just({"message_id": 1, "date": 0})))
    if draw(st.integers(0, 9)) == 0:
        message["message_thread_id"] = draw(maybe(ints))
    return message


@st.composite
def callback_queries(draw: st.DrawFn) -> dict[str, Any]:
    """A button press with any data (forged, stale, oversized), on a message or not."""
    query: dict[str, Any] = {
        "id": draw(maybe(st.text(max_size=20))),
        "from": draw(users()),
        "chat_instance": "c",
        "data": draw(
            maybe(st.one_of(texts, st.sampled_from(["1|rv|send", "t1|cl|TPPO-000000", "x" * 64])))
        ),
    }
    if draw(st.booleans()):
        query["message"] = draw(messages())
    return query


@st.composite
def telegram_updates(draw: st.DrawFn, update_ids: st.SearchStrategy[int]) -> dict[str, Any]:
    """An update of one of the kinds Telegram sends, or a made-up one."""
    kind = draw(
        st.sampled_from(
            [
                "message",
                "message",
                "edited_message",
                "callback_query",
                "callback_query",
                "my_chat_member",
                "channel_post",
                "other",
            ]
        )
    )
    update: dict[str, Any] = {"update_id": draw(update_ids)}
    if kind in ("message", "edited_message", "channel_post"):
        update[kind] = draw(maybe(messages()))
    elif kind == "callback_query":
        update[kind] = draw(maybe(callback_queries()))
    elif kind == "my_chat_member":
        _chat_id, chat = draw(chats())
        update[kind] = {
            "chat": chat,
            "from": draw(users()),
            "date": 0,
            "old_chat_member": draw(maybe(st.just({"status": "member", "user": {"id": 1}}))),
            "new_chat_member": draw(maybe(st.just({"status": "left", "user": {"id": 1}}))),
        }
    else:
        update[draw(st.text(max_size=20))] = draw(any_json)
    return update


def bodies(update_ids: st.SearchStrategy[int]) -> st.SearchStrategy[Any]:
    """What a webhook request may carry: mostly update-shaped, sometimes any JSON at all."""
    out_of_range = st.one_of(st.integers(max_value=-1), st.integers(min_value=2**63))
    wrong_ids = st.one_of(out_of_range, st.floats(), st.text(max_size=8), st.none(), st.booleans())
    return st.one_of(
        telegram_updates(update_ids),
        telegram_updates(update_ids),
        telegram_updates(update_ids),
        telegram_updates(wrong_ids),  # type: ignore[arg-type]
        any_json,
    )
