"""Serving ASGI apps (the fake Bot API, webhook receivers) with uvicorn on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn

from tests.fakes.botapi_http import install_drop_filter


class _Server(uvicorn.Server):
    """uvicorn server for tests: no signal handlers, event-driven stop, fast shutdown."""

    stop_event: asyncio.Event

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Do not install signal handlers."""
        yield

    async def main_loop(self) -> None:
        """Wait for stop() instead of polling every 100 ms."""
        await self.on_tick(0)
        await self.stop_event.wait()

    def stop(self) -> None:
        """Ask the server to shut down."""
        self.should_exit = True
        self.stop_event.set()

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        """Close listeners and connections, waiting briefly for in-flight requests."""
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 2)
        while self.server_state.connections or self.server_state.tasks:
            if loop.time() > deadline:
                for task in self.server_state.tasks:
                    task.cancel()
                break
            await asyncio.sleep(0.005)
        for server in self.servers:
            await server.wait_closed()


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve any ASGI app with uvicorn on a free loopback port; yield its base URL."""
    install_drop_filter()
    config = uvicorn.Config(
        app,
        host=host,
        port=0,
        log_config=None,
        lifespan="off",
        access_log=False,
        http="h11",
        ws="none",
        timeout_graceful_shutdown=2,
    )
    server = _Server(config)
    server.stop_event = asyncio.Event()
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn did not start")
            await asyncio.sleep(0.005)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        await task
