"""The real app and the fake Bot API on an event loop in a thread of their own.

Hypothesis drives synchronous tests; the app under test keeps running on its own loop between
examples, as it would in production, and the test reaches it over HTTP only.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from tests.e2e.harness import TOKEN, make_settings, running_app
from tests.fakes import FakeBotApi, run_fake_bot_api

T = TypeVar("T")


class AppThread:
    """Start with `with AppThread(url) as app:`; `app.url` serves the real webhook."""

    def __init__(self, database_url: str, **settings: Any) -> None:
        self._database_url = database_url
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="app-under-test", daemon=True)
        self._error: BaseException | None = None
        self.url = ""
        self.fake: FakeBotApi | None = None

    def _main(self) -> None:
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the test thread
            self._error = exc
            self._ready.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with run_fake_bot_api(TOKEN) as fake:
            settings = make_settings(fake, self._database_url, **self._settings)
            async with running_app(settings, fake) as url:
                self.fake, self.url = fake, url
                self._ready.set()
                await self._stop.wait()

    def run(self, work: Callable[[FakeBotApi], Coroutine[Any, Any, T]], timeout: float = 120) -> T:
        """Run `work(fake)` on the app's loop and return its result."""
        assert self.fake is not None
        future: Future[T] = asyncio.run_coroutine_threadsafe(work(self.fake), self._loop)
        return future.result(timeout)

    def __enter__(self) -> AppThread:
        self._thread.start()
        if not self._ready.wait(60) or self._error is not None:
            raise RuntimeError("the app did not start") from self._error
        return self

    def __exit__(self, *_exc: object) -> None:
        stop = self._stop
        if stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(stop.set)
        self._thread.join(60)
        if self._error is not None:
            raise self._error
