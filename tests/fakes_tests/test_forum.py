"""Forum topics in the fake: createForumTopic, messages in topics, replies, and the errors
Telegram gives a bot without the right, in a group without topics, or for a missing thread."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from tests.fakes import FakeBotApi

GROUP = -1001234567890


async def test_topics_are_created_and_messages_go_into_them(fake: FakeBotApi, bot: Bot) -> None:
    fake.make_forum(GROUP)
    topic = await bot.create_forum_topic(GROUP, "TPPO-ABC123", icon_color=16478047)
    assert topic.name == "TPPO-ABC123" and topic.icon_color == 16478047
    card = await bot.send_message(GROUP, "card", message_thread_id=topic.message_thread_id)
    assert card.message_thread_id == topic.message_thread_id and card.is_topic_message
    reply = await bot.send_message(
        GROUP,
        "reply",
        reply_to_message_id=card.message_id,
        message_thread_id=topic.message_thread_id,
    )
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "card"
    assert [m["text"] for m in fake.messages_in(GROUP)] == ["card", "reply"]  # no service msg
    assert fake.topics(GROUP) == [
        {
            "message_thread_id": topic.message_thread_id,
            "name": "TPPO-ABC123",
            "icon_color": 16478047,
        }
    ]


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("plain", "the chat is not a forum"),
        ("no_rights", "not enough rights to create a topic"),
    ],
)
async def test_creating_a_topic_can_be_refused(
    fake: FakeBotApi, bot: Bot, setup: str, error: str
) -> None:
    if setup == "no_rights":
        fake.make_forum(GROUP, can_manage_topics=False)
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.create_forum_topic(GROUP, "TPPO-ABC123")


async def test_a_thread_that_does_not_exist_is_refused(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=99)
    fake.make_forum(GROUP)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=99)


async def test_users_write_in_topics_and_reply_to_messages(fake: FakeBotApi, bot: Bot) -> None:
    fake.make_forum(GROUP)
    topic = await bot.create_forum_topic(GROUP, "TPPO-ABC123")
    thread = topic.message_thread_id
    prompt = await bot.send_message(GROUP, "Type your note", message_thread_id=thread)
    user = fake.user(user_id=42)
    await user.send_text("in the topic", chat_id=GROUP, thread_id=thread)
    await user.send_text("my note", chat_id=GROUP, thread_id=thread, reply_to=prompt.message_id)
    first, second = (d.update["message"] for d in user.deliveries)
    assert first["chat"]["is_forum"] is True and first["message_thread_id"] == thread
    assert "forum_topic_created" in first["reply_to_message"]  # a topic's implicit reply
    assert second["reply_to_message"]["text"] == "Type your note"
    with pytest.raises(AssertionError, match="no topic"):
        await user.send_text("x", chat_id=GROUP, thread_id=77)
