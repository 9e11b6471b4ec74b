"""Forum topics in supergroups: createForumTopic and the checks Telegram makes on threads.

A topic's `message_thread_id` is the id of the service message that opened it, as in Telegram.
The bot must be an administrator with `can_manage_topics` to create topics
(`fake.make_forum(chat_id, can_manage_topics=...)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.botapi_methods import handler
from tests.fakes.errors import bad_request
from tests.fakes.spec import Definition

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotApi

# The colours Telegram allows for a topic icon (Bot API, createForumTopic.icon_color).
ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)


@handler("createForumTopic")
async def create_forum_topic(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """createForumTopic: forum supergroups only, with the right to manage topics."""
    state = api.store.chat(params["chat_id"])
    if not state.is_forum:
        raise bad_request("the chat is not a forum")
    if not state.can_manage_topics:
        raise bad_request("not enough rights to create a topic")
    name = params["name"]
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_INVALID")
    color = params.get("icon_color", ICON_COLORS[0])
    if color not in ICON_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")
    opened = api.store.add_message(
        state,
        api.bot_user,
        {"forum_topic_created": {"name": name, "icon_color": color}, "is_topic_message": True},
    )
    thread = opened["message_id"]
    state.messages[thread]["message_thread_id"] = thread
    state.bot_log.remove(thread)  # a service message, not one the bot "sent"
    topic = {"message_thread_id": thread, "name": name, "icon_color": color}
    state.topics[thread] = topic
    return dict(topic)


@handler("getChat")
async def get_chat(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """getChat: the chat's ChatFullInfo (is_forum for forum supergroups)."""
    state = api.store.chat(params["chat_id"])
    gifts = {
        k: False
        for k in (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        )
    }
    return {
        **state.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }
