"""Webhook load generator, run in its own process so it does not share a core with the fake.

`python -m benchmarks.loadgen '<json>'` POSTs `/start` updates to the bot's webhook over a fixed
number of keep-alive HTTP/1.1 connections (a tiny hand-written client: httpx would cost more CPU
per request than the server under test) and prints one JSON line with the results. With
`handshake`, it first prints `ready` once its connections are open and waits for a line on stdin,
so the caller can start its clock just before the first request. It talks to 127.0.0.1 only,
sends a fixed number of requests, and gives up at a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

HOST = "127.0.0.1"


def start_update(update_id: int, user_id: int, date: int) -> dict[str, Any]:
    """A `/start` message update from a new private-chat user, shaped like Telegram's."""
    user = {
        "id": user_id,
        "is_bot": False,
        "first_name": f"Pelapor{user_id % 1000}",
        "language_code": "id",
    }
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "from": user,
            "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
            "date": date,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def webhook_request(port: int, secret: str, update: dict[str, Any]) -> bytes:
    """The raw HTTP/1.1 request Telegram would make for `update`."""
    body = json.dumps(update, separators=(",", ":")).encode()
    head = (
        f"POST /telegram/webhook HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


@dataclass
class Phase:
    """What one batch of requests measured."""

    sent: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


class Connection:
    """One keep-alive connection to the server; reopens itself if the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        """Connect (again)."""
        await self.close()
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def close(self) -> None:
        """Close, ignoring a peer that is already gone."""
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> int:
        """Send one request; return the HTTP status once the whole response is read."""
        if self.writer is None or self.reader is None:
            await self.open()
        assert self.writer is not None and self.reader is not None
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status


async def _worker(
    conn: Connection,
    requests: list[bytes],
    indices: Iterator[int],
    phase: Phase,
    deadline: float,
    request_timeout: float,
) -> None:
    for index in indices:
        if time.monotonic() > deadline:
            return
        started = time.perf_counter()
        try:
            status = await asyncio.wait_for(conn.request(requests[index]), request_timeout)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            name = type(exc).__name__
            phase.errors[name] = phase.errors.get(name, 0) + 1
            await conn.close()
            continue
        phase.latencies.append(time.perf_counter() - started)
        phase.statuses[str(status)] = phase.statuses.get(str(status), 0) + 1
        phase.sent += 1


async def _phase(
    conns: list[Connection], requests: list[bytes], deadline: float, request_timeout: float
) -> Phase:
    phase = Phase()
    indices = iter(range(len(requests)))  # shared: each request goes out exactly once
    started = time.perf_counter()
    await asyncio.gather(
        *(_worker(c, requests, indices, phase, deadline, request_timeout) for c in conns)
    )
    phase.elapsed = time.perf_counter() - started
    return phase


async def run(params: dict[str, Any]) -> dict[str, Any]:
    """Warm up, then send the measured batch; return both phases and our own CPU time."""
    port, secret = int(params["port"]), str(params["secret"])
    warmup, count = int(params["warmup"]), int(params["count"])
    first_update, first_user = int(params["first_update_id"]), int(params["first_user_id"])
    deadline = time.monotonic() + float(params["time_limit"])
    date = int(time.time())
    requests = [
        webhook_request(port, secret, start_update(first_update + i, first_user + i, date))
        for i in range(warmup + count)
    ]
    conns = [Connection(port) for _ in range(int(params["concurrency"]))]
    await asyncio.gather(*(c.open() for c in conns))
    if params.get("handshake"):  # ready to fire: let the caller start its clock, then go
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    try:
        warm = await _phase(conns, requests[:warmup], deadline, float(params["request_timeout"]))
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        measured = await _phase(
            conns, requests[warmup:], deadline, float(params["request_timeout"])
        )
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {
        "warmup": asdict(warm),
        "measured": asdict(measured),
        "cpu_seconds": cpu,
        "timed_out": time.monotonic() > deadline,
    }


def main(argv: list[str]) -> int:
    """Entry point: one JSON argument in, one JSON line out."""
    params = json.loads(argv[0])
    gc.disable()  # no collection pauses between requests; the process lives for seconds
    result = asyncio.run(run(params))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
