"""The real server (`python -m bot.cli.main run`) as a subprocess on loopback, always stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.infra.crypto import new_data_key
from tests.fakes import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token"
STAFF_CHAT_ID = -1001234567890
WEBHOOK_SECRET = "bench-Secret_token-0123456789"
SERVER_ARGS = ("-m", "bot.cli.main", "run")
PROBE_ARGS = ("-m", "benchmarks.probe")  # the same server with timers (diagnostics only)
# Settings the server reads; none is inherited from the caller's environment.
_SETTINGS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "STAFF_CHAT_ID",
    "DATABASE_URL",
    "HOST",
    "PORT",
    "PUBLIC_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "DATA_KEY",
    "CASE_WEBHOOK_URL",
    "CASE_WEBHOOK_SECRET",
    "CASE_INBOUND_SECRET",
    "TIMEZONE",
    "DEFAULT_LOCALE",
    "SLA_URGENT",
    "SLA_CHILD",
    "SLA_NORMAL",
    "CATALOG_FILE",
    "LOG_LEVEL",
    "MAX_ATTEMPTS",
)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc), 0 when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, resident at its peak) of a running process in MiB (Linux /proc)."""
    found = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in found:
                found[name] = int(rest.split()[0]) / 1024  # kB
    except OSError:
        pass
    return found["VmRSS"], found["VmHWM"]


@dataclass
class Server:
    """A running server: where it listens, its process and its files."""

    url: str
    port: int
    pid: int
    workdir: Path
    database: Path
    log: Path
    probe: Path | None
    started: float

    def probe_summary(self) -> list[str]:
        """What the probe measured (empty when the server is not probed)."""
        if self.probe is None:
            return []
        from benchmarks.probe import summary

        return summary(self.probe, time.monotonic() - self.started)

    def log_summary(self) -> list[str]:
        """Warnings and errors the server logged, counted by message (ids and numbers as N)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return []
        counts: dict[str, int] = {}
        for line in text.splitlines():
            match = _LOG_LINE.match(line)
            if match is None:
                continue
            message = _NUMBER.sub("N", match.group(1))
            counts[message] = counts.get(message, 0) + 1
        return [f"server log: {n} x {m}" for m, n in sorted(counts.items(), key=lambda i: -i[1])]

    @property
    def webhook(self) -> str:
        """The webhook route."""
        return f"{self.url}/telegram/webhook"

    def cpu(self) -> float:
        """CPU seconds the server process has used so far."""
        return cpu_seconds(self.pid)

    def memory(self) -> tuple[float, float]:
        """(resident now, peak) in MiB."""
        return memory_mb(self.pid)

    def query(self, sql: str) -> list[tuple[object, ...]]:
        """Read the server's SQLite database (read-only; WAL lets us read beside it)."""
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10)
        try:
            return list(conn.execute(sql))
        finally:
            conn.close()


_LOG_LINE = re.compile(r"^\S+ \S+ (?:WARNING|ERROR|CRITICAL) (.*)$")
_NUMBER = re.compile(r"\d+")


def _environment(
    fake: FakeBotApi,
    port: int,
    database: Path,
    database_url: str | None = None,
    data_key: str | None = None,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS}
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "DATA_KEY": data_key or new_data_key(),
            "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{database}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "DEFAULT_LOCALE": "id",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
        }
    )
    return env


async def _wait_healthy(url: str, proc: asyncio.subprocess.Process, limit: float) -> None:
    deadline = time.monotonic() + limit
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise RuntimeError(f"the server exited with {proc.returncode} during start-up")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz within {limit:.0f} s")


async def _stop(proc: asyncio.subprocess.Process, grace: float) -> None:
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), grace)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


async def run_cli(workdir: Path, env: dict[str, str], *argv: str) -> None:
    """Run `lapor-tppo ARGV...` (e.g. `staff add`) on the server's database before it starts."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        *argv,
        cwd=workdir,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"lapor-tppo {' '.join(argv)} failed: {(out + err).decode()[-500:]}")


@contextlib.asynccontextmanager
async def run_server(
    fake: FakeBotApi,
    *,
    db_dir: Path | None = None,
    probe: str = "",
    start_limit: float = 60.0,
    setup: Sequence[Sequence[Sequence[str]]] = (),
    files: Mapping[str, str] | None = None,
    args: Sequence[str] = SERVER_ARGS,
    database_url: str | None = None,
    data_key: str | None = None,
) -> AsyncIterator[Server]:
    """Start `lapor-tppo run` against `fake` with a fresh SQLite database; stop it on exit.

    The webhook is registered (the fake has seen setWebhook) before this yields. On exit the
    server gets SIGTERM and 10 s to finish, then SIGKILL; the same happens on any error or
    cancellation. `probe` (e.g. "timings" or "timings,no-worker") runs benchmarks.probe.
    `files` are written into the server's folder and `setup` is run there before it starts:
    stages one after the other, the `lapor-tppo` arguments of one stage at once (a staff
    register, then a roster; the first stage creates the database, so keep it to one command).
    `args` runs another program with the same settings (the echo bot, which registers no
    webhook); `database_url` replaces the fresh SQLite file (e.g. a PostgreSQL database shared
    by several servers, which must then share `data_key` too).
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lapor-bench-", dir=db_dir) as tmp:
        workdir = Path(tmp)
        database, log = workdir / "bench.db", workdir / "server.log"
        env = _environment(fake, port, database, database_url, data_key)
        for name, content in (files or {}).items():
            (workdir / name).write_text(content)
        for stage in setup:  # the commands of one stage at once (each is a Python start-up)
            await asyncio.gather(*(run_cli(workdir, env, *argv) for argv in stage))
        probe_file = workdir / "probe.json" if probe else None
        if probe_file is not None:
            env |= {"BENCH_PROBE": probe, "BENCH_PROBE_OUT": str(probe_file)}
        started = time.monotonic()
        command = _profiled(PROBE_ARGS if probe else tuple(args), workdir)
        with log.open("wb") as log_file:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                *command,
                cwd=workdir,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                try:
                    await _wait_healthy(url, proc, start_limit)
                    if args == SERVER_ARGS:
                        await fake.wait_for(lambda: fake.webhook is not None, 10.0, "setWebhook")
                except BaseException:
                    sys.stderr.write(_tail(log))
                    raise
                yield Server(url, port, proc.pid, workdir, database, log, probe_file, started)
            finally:
                await _stop(proc, 10.0)


def _profiled(args: tuple[str, ...], workdir: Path) -> tuple[str, ...]:
    """`args` under cProfile when `$BENCH_PROFILE_DIR` names a folder (`--profile`), else as is.

    Each server writes `<folder>/<program>-<random>.prof` when it exits (SIGTERM unwinds it), to
    read with `python -m pstats`; diagnostics only, like the probe.
    """
    folder = os.environ.get("BENCH_PROFILE_DIR")
    if not folder:
        return args
    program = "echo" if "benchmarks.echo" in args else "server"
    Path(folder).mkdir(parents=True, exist_ok=True)
    # A name taken now, not counted from files written at exit: scale-out runs several at once.
    handle, name = tempfile.mkstemp(prefix=f"{program}-", suffix=".prof", dir=folder)
    os.close(handle)
    out = Path(name).resolve()
    module, rest = args[1], args[2:]  # ("-m", module, ...)
    return ("-m", "benchmarks.profiled", str(out), module, *rest)


def _tail(log: Path, lines: int = 20) -> str:
    """The last lines the server logged, framed for stderr (when it failed to start)."""
    try:
        text = log.read_text(errors="replace").strip()
    except OSError:
        return ""
    if not text:
        return ""
    tail = text.splitlines()[-lines:]
    return "  server log (last lines):\n" + "".join(f"    {line}\n" for line in tail)
