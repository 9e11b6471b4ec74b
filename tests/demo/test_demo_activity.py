"""When is the bot done answering a chat? Judged from the real database, as the pipeline leaves
it: the update handled, and every message queued for that chat sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.demo.activity import Activity
from bot.demo.cast import BOT_USER
from bot.demo.standin.world import Person, World
from bot.infra.crypto import Keys, new_data_key
from storage.db import Database
from storage.repos.pipeline import inbox, outbox
from storage.repos.pipeline.inbox import NewUpdate
from storage.repos.pipeline.outbox import NewMessage

CHAT = 7100000001


async def test_a_chat_is_busy_until_its_update_is_handled_and_its_replies_sent(
    sqlite_url: str,
) -> None:
    world = World(BOT_USER)
    world.add_person(Person(CHAT, "Siti", "reporter"))
    key = new_data_key()
    activity = Activity(world, sqlite_url, key)
    db = Database(sqlite_url, sealer=Keys(key))
    stop = asyncio.Event()
    watcher = asyncio.create_task(activity.run(stop))
    now = datetime.now(UTC)
    chat_key = Keys(key).identity_key(CHAT)

    async def still_busy() -> bool:
        await asyncio.sleep(0.5)  # several looks
        return activity.busy(CHAT)

    try:
        update_id = world.push_update({"message": {}})
        activity.track(CHAT, update_id)
        assert await still_busy()  # not fetched by the bot yet
        async with db.transaction() as session:
            await inbox.add(session, [NewUpdate(update_id, chat_key, "{}")], now)
        world.confirmed_below = update_id + 1
        assert await still_busy()  # stored, not handled
        async with db.transaction() as session:
            await inbox.mark_done(session, update_id, now)
            await outbox.add(session, [NewMessage(chat_key, False, "sendMessage", b"x")], now)
        assert await still_busy()  # handled, reply not sent
        async with db.transaction() as session:
            (row,) = await outbox.due(session, now, 10, owner=1)
            assert await outbox.lease(session, row.id, now, timedelta(seconds=60), owner=1)
            assert await outbox.mark_sent(session, row.id, now, owner=1)
        assert await activity.idle(CHAT, 30)
        busy = [e["busy"] for e in world.events if e["kind"] == "busy"]
        assert busy == [True, False]

        # An update the bot confirmed but the inbox no longer holds was handled and purged.
        gone = world.push_update({"message": {}})
        world.confirmed_below = gone + 1
        activity.track(CHAT, gone)
        assert await activity.idle(CHAT, 30)
    finally:
        stop.set()
        await watcher
        await activity.close()
        await db.dispose()
