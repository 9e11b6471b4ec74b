"""Run the real `lapor-tppo run` as a subprocess against the fake Bot API, and kill it hard."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bot.infra.crypto import new_data_key
from bot.infra.settings import Settings
from tests.e2e.harness import STAFF_CHAT_ID, TOKEN, WEBHOOK_SECRET, free_port
from tests.fakes import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
# Every setting the bot reads: none may leak in from the developer's environment.
SETTINGS_NAMES = frozenset(Settings.model_fields)


class BotProcess:
    """`lapor-tppo run` (as a module), webhook mode; the same env and DATA_KEY on every restart."""

    def __init__(self, fake: FakeBotApi, workdir: Path) -> None:
        self.fake = fake
        self.workdir = workdir
        self.port = free_port()
        self.database_url = f"sqlite+aiosqlite:///{workdir / 'lapor.db'}"
        self.log_path = workdir / "bot.log"
        self.env = self._environment(new_data_key())
        self.popen: subprocess.Popen[bytes] | None = None
        self.runs = 0
        self.up = asyncio.Event()
        # Webhook deliveries that failed (dead process, or killed mid-request) and were retried.
        self.redeliveries = 0

    def _environment(self, data_key: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES}
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.fake.url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "DATA_KEY": data_key,
            "DATABASE_URL": self.database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "DEFAULT_LOCALE": "en",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
            "PYTHONUNBUFFERED": "1",
        }
        return env

    @property
    def url(self) -> str:
        """The bot's HTTP root."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """Whether the subprocess is running."""
        return self.popen is not None and self.popen.poll() is None

    async def start(self, timeout: float = 20.0) -> float:
        """Start the bot; return once /healthz answers and it has called setWebhook again.

        Returns the seconds start-up took.
        """
        if self.alive:
            raise RuntimeError("the bot is already running")
        registered = len(self.fake.calls_for("setWebhook"))
        self.runs += 1
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            log.write(f"===== run {self.runs} =====\n".encode())
            log.flush()
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "bot.cli.main", "run"],
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = started + timeout
        async with httpx.AsyncClient(timeout=1.0) as client:
            while True:
                if not self.alive:
                    raise RuntimeError(
                        f"the bot exited with {self.popen.returncode}:\n{self.log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the bot did not come up in {timeout}s:\n{self.log_tail()}")
                try:
                    healthy = (await client.get(f"{self.url}/healthz")).status_code == 200
                except httpx.TransportError:
                    healthy = False
                if (
                    healthy
                    and self.fake.webhook is not None
                    and len(self.fake.calls_for("setWebhook")) > registered
                ):
                    break
                await asyncio.sleep(0.05)
        self.up.set()
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, nothing the process could tidy up."""
        self.up.clear()
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    async def restart(self, timeout: float = 20.0) -> float:
        """Kill (if running) and start again with the same environment."""
        self.kill()
        return await self.start(timeout)

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of the log of every run."""
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


Deliver = Callable[[dict[str, Any]], Awaitable[int | None]]


def retrying(bot: BotProcess, deliver: Deliver, timeout: float = 30.0) -> Deliver:
    """Wrap `fake.deliver` like Telegram's webhook: an update not acknowledged with 2xx (the
    process was dead, or died mid-request) is delivered again, same update_id, once it is back.
    """

    async def deliver_until_acknowledged(update: dict[str, Any]) -> int | None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                status = await deliver(update)
            except httpx.TransportError:
                status = 0
            if status is None or 200 <= status < 300:
                return status
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"update {update['update_id']} was never acknowledged (last status {status})"
                )
            bot.redeliveries += 1
            if not bot.alive:
                bot.up.clear()
            await asyncio.wait_for(bot.up.wait(), remaining)
            await asyncio.sleep(0.05)

    return deliver_until_acknowledged
