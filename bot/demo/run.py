"""Running the demo: the real application and the stand-in Bot API in one process, on loopback.

The stand-in listens on its own loopback port because the application talks to the Bot API while
it starts (getMe, the command menu), before its own server accepts connections. The page is
served by the application, at the address printed on start.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from bot.demo.activity import Activity
from bot.demo.cast import BOT_USER, DEMO_TOKEN, REPORTERS, STAFF, STAFF_CHAT_ID, STAFF_CHAT_TITLE
from bot.demo.config import Declared, demo_settings, refuse_production
from bot.demo.player import Player
from bot.demo.scenarios import load_book
from bot.demo.seed import seed
from bot.demo.standin.acting import Acting
from bot.demo.standin.http import standin_app
from bot.demo.standin.methods import BotApi
from bot.demo.standin.world import World
from bot.demo.web import DemoParts, mount_demo
from bot.errors import BotError
from bot.http.app import create_app
from bot.infra.clock import ScaledClock
from bot.infra.settings import reveal
from bot.runtime.services import Services
from storage.db import upgrade

DEFAULT_PORT = 8080


class PortBusy(BotError):
    """The port asked for is taken."""


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the demo decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Demo:
    """A running demo: its address and its parts."""

    url: str
    parts: DemoParts
    notes: list[str] = field(default_factory=list)


def listen(host: str, port: int | None) -> socket.socket:
    """A listening socket on `port`; None tries 8080, then any free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in [port] if port is not None else [DEFAULT_PORT, 0]:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE and candidate:
                if port is None:
                    continue
                raise PortBusy(f"port {candidate} is in use; choose another with --port") from None
            raise
        sock.listen(128)
        sock.setblocking(False)
        return sock
    raise PortBusy("no free port")  # unreachable: port 0 always binds


def build_world() -> tuple[World, BotApi]:
    """The stand-in with the demo's people, their private chats and the staff group."""
    world = World(BOT_USER)
    for person in (*REPORTERS, *(m.person for m in STAFF)):
        world.add_person(person)
    world.add_group(STAFF_CHAT_ID, STAFF_CHAT_TITLE, [m.person.id for m in STAFF])
    return world, BotApi(world)


async def _serve(server: _Server, sock: socket.socket) -> asyncio.Task[None]:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise BotError("a demo server did not start")
        await asyncio.sleep(0.02)
    return task


@contextlib.asynccontextmanager
async def running_demo(
    folder: Path, *, port: int | None = None, factor: float = 1.0, declared: Declared | None = None
) -> AsyncIterator[Demo]:
    """Start the demo with its data in `folder`; everything stops when the block ends."""
    declared = declared or Declared()
    host = refuse_production(declared)
    # Closing twice is harmless: the servers close their sockets, this covers a failed start.
    with (
        contextlib.closing(listen(host, port)) as web_sock,
        contextlib.closing(listen(host, 0)) as api_sock,
    ):
        address = f"[{host}]" if ":" in host else host
        settings = demo_settings(
            folder,
            host,
            web_sock.getsockname()[1],
            f"http://{address}:{api_sock.getsockname()[1]}",
            declared,
        )
        await asyncio.to_thread(upgrade, settings.DATABASE_URL)
        notes = await asyncio.to_thread(seed, settings, folder)
        world, api = build_world()
        activity = Activity(world, settings.DATABASE_URL, reveal(settings.DATA_KEY))
        acting = Acting(api, on_update=activity.track)
        clock = ScaledClock(factor)
        player = Player(load_book(), world, acting, activity)
        parts = DemoParts(settings, world, acting, activity, player, clock)
        app = create_app(settings, Services.build(settings, clock))
        mount_demo(app, parts)
        async with _serving(parts, standin_app(api, DEMO_TOKEN), api_sock, app, web_sock):
            yield Demo(f"http://{address}:{settings.PORT}/demo/", parts, notes)


@contextlib.asynccontextmanager
async def _serving(
    parts: DemoParts, standin: Any, api_sock: socket.socket, app: Any, web_sock: socket.socket
) -> AsyncIterator[None]:
    """The stand-in first (the app calls it while starting), then the app; stopped in reverse."""
    api_server = _Server(uvicorn.Config(standin, log_config=None, access_log=False, lifespan="off"))
    web_server = _Server(
        uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5
        )
    )
    stop = asyncio.Event()
    watcher = asyncio.create_task(parts.activity.run(stop), name="demo-activity")
    try:
        api_task = await _serve(api_server, api_sock)
        try:
            web_task = await _serve(web_server, web_sock)
            try:
                yield
            finally:
                await parts.player.stop()
                parts.world.close_page()  # the page's long polls end, so the server can stop
                web_server.should_exit = True
                await asyncio.wait_for(web_task, timeout=60)
        finally:
            parts.world.close()  # the bot has stopped: release its getUpdates too
            api_server.should_exit = True
            await asyncio.wait_for(api_task, timeout=30)
    finally:
        stop.set()
        await watcher
        await parts.activity.close()
