"""Run the real application (FastAPI + uvicorn + worker + dispatcher) against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import select

from bot.http.app import create_app
from bot.infra.clock import Clock
from bot.infra.crypto import new_data_key
from bot.infra.settings import Settings, load_settings
from bot.runtime.services import Services
from storage.db import create_engine, session_factory
from storage.models import InboxUpdate, OutboxMessage
from tests.fakes import FakeBotApi
from tests.fakes.users import FakeUser

TOKEN = "123456:TEST-token"
STAFF_CHAT_ID = -1001234567890
WEBHOOK_SECRET = "s3cret-Token_for-tests"
# /start answers with one message: the welcome and the first question travel together.
START_REPLIES = 1
# A reporter whose identity must never leave the private chat (DESIGN.md §3).
SENTINEL: dict[str, Any] = {
    "user_id": 987654321,
    "first_name": "Zorgwyn",
    "last_name": "Quillbeck",
    "username": "zorgwyn_q_sentinel",
}


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(
    fake: FakeBotApi,
    database_url: str,
    *,
    webhook: bool = True,
    port: int | None = None,
    **extra: Any,
) -> Settings:
    """Settings for a test run: the fake Bot API, a real database, fresh secrets."""
    port = port or free_port()
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "STAFF_CHAT_ID": STAFF_CHAT_ID,
        "DATABASE_URL": database_url,
        "DATA_KEY": new_data_key(),
        "HOST": "127.0.0.1",
        "PORT": port,
        "DEFAULT_LOCALE": "en",
    }
    if webhook:
        values |= {
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
    return load_settings(**(values | extra))


class _Server(uvicorn.Server):
    """uvicorn without signal handlers, so pytest keeps Ctrl-C.

    Not the fake Bot API's runner (`tests.fakes.serve_asgi`): that one cancels requests on a
    fast shutdown, while the app under test must shut down as `lapor-tppo run` does.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def running_app(
    settings: Settings, pace: FakeBotApi | None = None, clock: Clock | None = None
) -> AsyncIterator[str]:
    """Serve the real app on loopback (lifespan on: worker, dispatcher, webhook registration).

    With `pace`, the dispatcher's rate limiter reads the fake's clock, which moves on by a
    human's think time at every user action: instant test clicks then pace like real people.
    `clock` replaces the app's clock altogether (e.g. a ManualClock for simulated time).
    """
    if clock is None and pace is not None:
        clock = Clock(monotonic=pace.clock)
    services = Services.build(settings, clock) if clock is not None else None
    config = uvicorn.Config(
        create_app(settings, services),
        host=settings.HOST,
        port=settings.PORT,
        log_config=None,
        lifespan="on",
        access_log=False,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the app did not start")
            await asyncio.sleep(0.01)
        yield f"http://{settings.HOST}:{settings.PORT}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)


@dataclass
class Walk:
    """Answers for one pass through the intake, by English button label.

    With a "Yes" to danger, `urgent` is pressed on the fast-lane screen: "Not now, keep going"
    (no ticket yet) or "⚡ Send now" (an urgent ticket at once; the rest is added to it).
    """

    danger: str = "No"
    urgent: str = "Not now, keep going"
    role: str = "I am family"
    indicators: tuple[str, ...] = ("Owes travel costs, pay cut", "Passport or permit taken")
    place_kind: str = "In Nunukan (kecamatan)"
    place: str = "Sebatik Barat"
    when: str = "This week"
    count: str = "2 to 5 people"
    age: str = "13 to 17"
    story: str | None = "They took her passport."


async def step(user: FakeUser, action: str, value: str, replies: int = 1) -> list[dict[str, Any]]:
    """Press a button or send text, then wait for the bot's answer."""
    if action == "press":
        await user.press(value)
    else:
        await user.send_text(value)
    return await user.wait_for_reply(count=replies, timeout=10)


async def file_report(user: FakeUser, walk: Walk | None = None) -> str:
    """Go from /start to a filed report; return the confirmation text the reporter got."""
    await file_report_until_send(user, walk)
    (confirmation,) = await step(user, "press", "Send report")
    return str(confirmation["text"])


async def file_report_until_send(user: FakeUser, walk: Walk | None = None) -> None:
    """Go from /start to the review, where Send report waits (one message per step)."""
    walk = walk or Walk()
    await step(user, "text", "/start")  # the welcome and the first question: one message
    await step(user, "press", walk.danger)
    if walk.danger.startswith("Yes"):
        await step(user, "press", walk.urgent)
    await step(user, "press", walk.role)
    for label in walk.indicators:
        await user.press(label)  # edits the list in place: no new message
    await step(user, "press", "Next")
    await step(user, "press", walk.place_kind)
    await step(user, "press", walk.place)
    await step(user, "press", walk.when)
    await step(user, "press", walk.count)
    await step(user, "press", walk.age)
    if walk.story is None:
        await step(user, "press", "Skip")
    else:
        await step(user, "text", walk.story)


async def outbox_settled(database_url: str) -> tuple[int, int]:
    """(pending outbox rows, inbox rows still holding a payload)."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            pending = len(
                (
                    await session.scalars(
                        select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                    )
                ).all()
            )
            raw = len(
                (
                    await session.scalars(
                        select(InboxUpdate.update_id).where(InboxUpdate.payload.is_not(None))
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    return pending, raw


def database_files(database_url: str) -> list[Path]:
    """The SQLite file and its WAL/SHM companions."""
    path = Path(database_url.split("///", 1)[1])
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
