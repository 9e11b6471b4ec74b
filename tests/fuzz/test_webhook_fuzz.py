"""Fuzzing the real webhook: whatever arrives, never a 5xx, never a stuck chat, no bad call.

Hypothesis builds Telegram-shaped updates (fields missing, of the wrong type, oversized, any
unicode, lone surrogates, huge ints), any JSON, and bytes that are not JSON at all, and posts
each to the running app with the right secret. Afterwards every update was handled (none
failed, none parked: bad input is a transition, never an exception), the chats that got the
garbage still answer, a new reporter files a report, and the fake Bot API, which checks every
call against the Bot API spec, refused none of ours. `make fuzz` runs many more examples.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from flows.domain.ticket import REFERENCE_PATTERN
from tests.e2e.harness import WEBHOOK_SECRET, file_report
from tests.e2e.metricskit import scrape, value
from tests.fakes import FakeBotApi
from tests.fuzz.appthread import AppThread
from tests.fuzz.updates import CHATS, bodies

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET, "Content-Type": "application/json"}
# Refusals Telegram gives for our calls about chats and presses the fuzz made up: the call was
# well-formed, the chat or the press just does not exist on Telegram's side.
UNKNOWN = re.compile(
    r"chat not found|query is too old|query id is invalid|bot can't initiate", re.IGNORECASE
)


def _encode(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    return json.dumps(body).encode()  # ASCII escapes: lone surrogates travel as \\udxxx


def _post_all(app: AppThread) -> None:
    # Telegram's ids only grow. An id far below one of its chat's ids already being handled
    # (never sent by Telegram) may be handled beside it on PostgreSQL, which fails the lower
    # one once (a conflict on the conversation row) before its retry goes through.
    update_ids = st.builds(next, st.just(itertools.count(10_000_000)))
    client = httpx.Client(timeout=30)

    @given(st.one_of(bodies(update_ids), st.binary(max_size=200)))
    def post(body: Any) -> None:
        response = client.post(
            f"{app.url}/telegram/webhook", content=_encode(body), headers=HEADERS
        )
        assert response.status_code in (200, 400, 413), (response.status_code, response.text)

    try:
        post()
    finally:
        client.close()


def _wait_handled(app: AppThread) -> dict[Any, float]:
    """The metrics once no update is left pending."""
    deadline = time.monotonic() + 90
    while True:
        samples = app.run(lambda _fake: scrape(app.url))[1]
        pending = samples.get(("lapor_inbox_updates", (("status", "pending"),)), 0)
        if pending == 0 or time.monotonic() > deadline:
            return samples
        time.sleep(0.2)


async def _still_answers(fake: FakeBotApi) -> str:
    for chat in CHATS:  # the chats that got the garbage start over like anyone
        user = fake.users[chat]
        await user.send_text("/start")
        (welcome,) = await user.wait_for_reply(timeout=20)
        assert "in danger" in welcome["text"], welcome["text"]
    return await file_report(fake.user(user_id=8199))


def test_whatever_reaches_the_webhook_never_fails_and_no_chat_gets_stuck(
    database_url: str,
) -> None:
    with AppThread(database_url) as app:
        assert app.fake is not None
        for chat in CHATS:
            app.fake.user(user_id=chat, started=True)
        _post_all(app)
        samples = _wait_handled(app)
        assert samples.get(("lapor_inbox_updates", (("status", "pending"),)), 0) == 0
        assert samples.get(("lapor_inbox_updates", (("status", "parked"),)), 0) == 0
        assert value(samples, "lapor_updates_failed_total") == 0
        assert value(samples, "lapor_updates_parked_total") == 0
        confirmation = app.run(_still_answers)
        assert re.search(REFERENCE_PATTERN, confirmation), confirmation
        refused = [
            (c.method, c.status, (c.response or {}).get("description"))
            for c in app.fake.failed_calls()
            if c.status != 403 and not UNKNOWN.search(str((c.response or {}).get("description")))
        ]
        assert refused == []
        assert app.fake.violations == []
