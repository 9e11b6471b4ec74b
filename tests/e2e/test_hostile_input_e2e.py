"""Hostile webhook input through the real app: lone surrogates, huge update ids, endless bodies."""

from __future__ import annotations

import asyncio
import functools
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.infra.crypto import Keys, new_data_key
from bot.runtime.ingest import InboxWriter
from flows.domain.ticket import REFERENCE_PATTERN
from storage.db import Database
from storage.errors import DatabaseUnavailable
from storage.repos.pipeline import inbox
from tests.e2e.harness import (
    STAFF_CHAT_ID,
    START_REPLIES,
    WEBHOOK_SECRET,
    Walk,
    file_report_until_send,
    make_settings,
    outbox_settled,
    running_app,
)
from tests.fakes import FakeBotApi

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


def _message(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "A"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 1_000_000,
            "date": 0,
            "from": user,
            "text": text,
            "chat": {"id": chat_id, "type": "private", "first_name": "A"},
        },
    }


@pytest.mark.chaos
async def test_a_lone_surrogate_in_a_story_files_the_report(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    story = "Mereka ambil paspor \ud800 dan \udfff\x00 selesai"
    async with running_app(make_settings(fake, sqlite_url), fake):
        user = fake.user(user_id=5101)
        await file_report_until_send(user, Walk(story=story))
        review = str(user.last_text())
        assert "paspor \ufffd dan \ufffd\ufffd selesai" in review
        await user.press("Send report")
        (confirmation,) = await user.wait_for_reply(timeout=15)
        assert re.search(REFERENCE_PATTERN, confirmation["text"])
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=15, what="card")
        (card,) = fake.messages_in(STAFF_CHAT_ID)
        assert "paspor \ufffd dan \ufffd\ufffd selesai" in card["text"]
        other = fake.user(user_id=5102)  # the chat is not blocked for anyone
        await other.send_text("/start")
        await other.wait_for_reply(count=START_REPLIES, timeout=15)
    assert fake.failed_calls() == []
    assert await outbox_settled(sqlite_url) == (0, 0)


async def test_surrogates_anywhere_in_an_update_are_cleaned(database_url: str) -> None:
    keys = Keys(new_data_key())
    db = Database(database_url, sealer=keys)
    writer = InboxWriter(db, keys)
    raw = {
        "update_id": 77,
        "message": {
            "text": "\ud83d",
            "chat": {"id": 5, "type": "private"},
            "x\udc00": ["\x00", {"y": "ok \ud800"}],
        },
    }
    try:
        await writer.store([writer.to_row(raw)])
        async with db.transaction() as session:
            (claimed,) = await inbox.claim_batch(session, datetime.now(UTC), 5)
    finally:
        await db.dispose()
    assert claimed.payload["message"]["text"] == "\ufffd"
    assert claimed.payload["message"]["x\ufffd"] == ["\ufffd", {"y": "ok \ufffd"}]


@pytest.mark.chaos
async def test_a_huge_update_id_is_refused_alone(fake: FakeBotApi, database_url: str) -> None:
    async with (
        running_app(make_settings(fake, database_url), fake) as url,
        httpx.AsyncClient(timeout=30) as client,
    ):
        for n in range(24):
            fake.user(user_id=5200 + n, started=True)
        good = [_message(1000 + n, 5200 + n, "/start") for n in range(24)]
        bad = [_message(2**63, 5300, "/start"), _message(2**64 + 7, 5301, "/start")]
        bodies = good[:12] + bad + good[12:]
        answers = await asyncio.gather(
            *(client.post(f"{url}/telegram/webhook", json=body, headers=HEADERS) for body in bodies)
        )
        statuses = {
            body["update_id"]: answer.status_code
            for body, answer in zip(bodies, answers, strict=True)
        }
        assert statuses == {b["update_id"]: 200 for b in good} | {2**63: 400, 2**64 + 7: 400}
        for chat in range(5200, 5224):
            await fake.wait_for(
                functools.partial(fake.messages_in, chat),
                timeout=30,
                what=f"a reply to chat {chat}",
            )


@pytest.mark.chaos
async def test_a_row_the_database_refuses_fails_alone_in_its_batch(database_url: str) -> None:
    # Past the webhook's checks (the poller, a future route): the writer's own safety net.
    keys = Keys(new_data_key())
    db = Database(database_url, sealer=keys)
    writer = InboxWriter(db, keys)
    stop = asyncio.Event()
    task = asyncio.create_task(writer.run(stop))
    try:
        rows = [_message(10 + n, 60 + n, "hi") for n in range(6)]
        rows.insert(3, _message(2**63, 99, "hi"))
        results = await asyncio.gather(*(writer.submit(r) for r in rows), return_exceptions=True)
        async with db.transaction() as session:
            pending = await inbox.pending_count(session)
    finally:
        stop.set()
        await task
        await db.dispose()
    failed = [
        r["update_id"]
        for r, res in zip(rows, results, strict=True)
        if isinstance(res, DatabaseUnavailable)
    ]
    assert failed == [2**63]
    assert pending == 6


@pytest.mark.chaos
async def test_an_endless_chunked_body_is_cut_off_early(fake: FakeBotApi, sqlite_url: str) -> None:
    settings = make_settings(fake, sqlite_url)
    total = 50 * 1024 * 1024
    chunk = b"x" * 65536
    async with running_app(settings, fake):
        reader, writer = await asyncio.open_connection(settings.HOST, settings.PORT)
        writer.write(
            b"POST /telegram/webhook HTTP/1.1\r\nHost: bot\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            + f"X-Telegram-Bot-Api-Secret-Token: {WEBHOOK_SECRET}\r\n\r\n".encode()
        )
        sent = 0
        response = asyncio.create_task(reader.read(4096))
        try:
            while sent < total and not response.done():
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await asyncio.wait_for(writer.drain(), timeout=30)
                sent += len(chunk)
        except (ConnectionError, TimeoutError):
            pass  # the server hung up on the rest of the body, as it should
        head = await asyncio.wait_for(response, timeout=30)
        writer.close()
    assert head.startswith(b"HTTP/1.1 413"), head[:80]
    # It answered after about 1 MB, not after reading all 50 (socket buffers hold a few more).
    assert sent < total // 4, sent
