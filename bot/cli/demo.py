"""`lapor-tppo demo`: start the demo, print where to open it, serve until Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import tempfile
from pathlib import Path

from bot.demo.config import Declared, refuse_production
from bot.demo.run import running_demo
from bot.infra.logs import setup_logging


async def _until_stopped(port: int | None, factor: float, folder: Path, declared: Declared) -> None:
    async with running_demo(folder, port=port, factor=factor, declared=declared) as demo:
        print(
            "Lapor TPPO DEMO: nothing here reaches Telegram, and everything is deleted when it "
            "stops.",
            flush=True,
        )
        for note in demo.notes:
            print(f"  {note}", flush=True)
        print(f"  open {demo.url} in a browser; stop with Ctrl-C", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        print("stopping the demo…", flush=True)


def run(port: int | None = None, factor: float = 1.0) -> int:
    """Serve the demo until Ctrl-C, then delete its data; refuses production settings."""
    declared = Declared()
    refuse_production(declared)  # before anything is created
    setup_logging(declared.LOG_LEVEL or "WARNING")
    with tempfile.TemporaryDirectory(prefix="lapor-tppo-demo-") as folder:
        asyncio.run(_until_stopped(port, factor, Path(folder), declared))
    return 0
