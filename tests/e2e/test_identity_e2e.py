"""A reporter's identity never reaches staff, logs, or the database once an update is processed."""

from __future__ import annotations

import json

from sqlalchemy import text

from storage.db import create_engine
from tests.e2e.conftest import CollectedLogs
from tests.e2e.harness import (
    SENTINEL,
    STAFF_CHAT_ID,
    Walk,
    database_files,
    file_report,
    make_settings,
    outbox_settled,
    running_app,
)
from tests.fakes import FakeBotApi

SENTINELS = [
    str(SENTINEL["user_id"]),
    str(SENTINEL["first_name"]),
    str(SENTINEL["last_name"]),
    str(SENTINEL["username"]),
]


def _leaks(text: str) -> list[str]:
    return [s for s in SENTINELS if s.lower() in text.lower()]


async def test_identity_stays_out_of_staff_calls_logs_and_database(
    fake: FakeBotApi, sqlite_url: str, production_logs: CollectedLogs
) -> None:
    settings = make_settings(fake, sqlite_url)
    async with running_app(settings, fake):
        user = fake.user(**SENTINEL)
        # The reporter even types their own name into the story: that is report content, which
        # staff must see; the sentinel check below therefore looks at everything but the story.
        await file_report(user, Walk(danger="Yes, someone is in danger", story="Tolong cepat."))
        await user.send_text("/start")  # a follow-up after filing
        await user.wait_for_reply(timeout=10)
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=10, what="card")
    assert production_logs.lines, "nothing was logged at all"
    assert any("ticket TPPO-" in line for line in production_logs.lines)

    staff_calls = [
        c
        for c in fake.calls
        if str(c.params.get("chat_id")) != str(user.chat_id) and c.method not in ("getUpdates",)
    ]
    assert any(str(c.params.get("chat_id")) == str(STAFF_CHAT_ID) for c in staff_calls)
    for call in staff_calls:
        assert _leaks(json.dumps(call.params, ensure_ascii=False)) == [], call.method
    assert _leaks("\n".join(production_logs.lines)) == []

    assert await outbox_settled(sqlite_url) == (0, 0)
    # Handled rows keep no chat key that could tie a reporter's rows to their ticket's card,
    # and the finished conversation keeps no ticket reference.
    engine = create_engine(sqlite_url)
    async with engine.connect() as conn:
        keys = set(
            (
                await conn.execute(
                    text("SELECT chat_key FROM inbox UNION SELECT chat_key FROM outbox")
                )
            ).scalars()
        )
        states = (await conn.execute(text("SELECT state FROM conversations"))).scalars().all()
    await engine.dispose()
    assert keys == {"-"}
    assert states and not any("TPPO-" in json.dumps(s) for s in states)
    files = database_files(sqlite_url)
    assert files
    for path in files:
        raw = path.read_bytes()
        for sentinel in SENTINELS:
            assert sentinel.encode() not in raw, f"{sentinel!r} found in {path.name}"
