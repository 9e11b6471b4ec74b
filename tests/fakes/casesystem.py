"""A fake case system on loopback: a tiny HTTP/1.1 server that verifies every Standard Webhooks
signature with the reference `standardwebhooks` library, validates every body against
docs/case-webhook.schema.json, and answers as scripted (a status, a hang, a reset)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
from standardwebhooks import Webhook

from bot.infra.crypto import new_standard_webhook_secret

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "case-webhook.schema.json").read_text()
)
HANG, RESET = "hang", "reset"
Behaviour = int | str | tuple[int, dict[str, str]]


@dataclass
class Received:
    """One request as the fake saw it."""

    webhook_id: str
    timestamp: int
    body: dict[str, Any]
    answer: Behaviour
    raw: str

    @property
    def type(self) -> str:
        return str(self.body["type"])

    @property
    def reference(self) -> str:
        return str(self.body["data"]["reference"])


@dataclass
class FakeCaseSystem:
    """Scripted answers (`script`, first in first out; then `default`); what arrived."""

    secret: str = field(default_factory=new_standard_webhook_secret)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    script: list[Behaviour] = field(default_factory=list)
    default: Behaviour = 200
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    url: str = ""
    delay: float = 0.0  # seconds before each answer (widens races between dispatchers)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def accepted(self) -> list[Received]:
        """Requests answered 2xx, in order."""
        return [r for r in self.received if isinstance(r.answer, int) and 200 <= r.answer < 300]

    def check(self, webhook_id: str, stamp: str, signature: str, raw: str) -> dict[str, Any]:
        """Verify like a real receiver would; a problem is recorded, never hidden."""
        hook = Webhook(self.secret)
        at = int(stamp)
        if abs(at - self.now().timestamp()) > 300:
            self.problems.append(f"{webhook_id}: timestamp {at} is not now")
        if abs(at - datetime.now(UTC).timestamp()) <= 300:
            # Near real time: the library checks everything itself.
            hook.verify(
                raw,
                {
                    "webhook-id": webhook_id,
                    "webhook-timestamp": stamp,
                    "webhook-signature": signature,
                },
            )
        else:  # simulated time: the library's signature of what was sent, compared here
            expected = hook.sign(webhook_id, datetime.fromtimestamp(at, UTC), raw)
            if expected not in signature.split(" "):
                self.problems.append(f"{webhook_id}: bad signature")
        body: dict[str, Any] = json.loads(raw)
        try:
            jsonschema.validate(body, SCHEMA)
        except jsonschema.ValidationError as exc:
            self.problems.append(f"{webhook_id}: schema: {exc.message}")
        return body

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            raw = (await reader.readexactly(int(headers.get("content-length", "0")))).decode()
            answer = self.script.pop(0) if self.script else self.default
            try:
                body = self.check(
                    headers["webhook-id"],
                    headers["webhook-timestamp"],
                    headers["webhook-signature"],
                    raw,
                )
            except Exception as exc:
                self.problems.append(f"unverifiable request: {type(exc).__name__}")
                answer, body = 401, {}
            self.received.append(
                Received(
                    headers.get("webhook-id", ""),
                    int(headers.get("webhook-timestamp", "0")),
                    body,
                    answer,
                    raw,
                )
            )
            if self.delay:
                await asyncio.sleep(self.delay)
            if answer == HANG:
                await asyncio.sleep(3600)
            if answer == RESET:
                writer.transport.abort()
                return
            code, extra = answer if isinstance(answer, tuple) else (int(answer), {})
            more = "".join(f"{k}: {v}\r\n" for k, v in extra.items())
            reply = f"HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n{more}\r\n"
            writer.write(reply.encode())
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


@contextlib.asynccontextmanager
async def run_fake_case_system(
    now: Callable[[], datetime] | None = None,
) -> AsyncIterator[FakeCaseSystem]:
    """Serve a fake case system on loopback for the block."""
    fake = FakeCaseSystem(now=now or (lambda: datetime.now(UTC)))
    server = await asyncio.start_server(fake._serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}/webhooks/lapor"
    try:
        yield fake
    finally:
        server.close()
        for task in list(fake.tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)
