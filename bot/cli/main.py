"""The `lapor-tppo` command line: run, db upgrade, keygen, demo."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.errors import BotError, SettingsError
from bot.infra.crypto import new_data_key, new_standard_webhook_secret, new_webhook_secret
from bot.infra.settings import Settings, load_settings


def _run(settings: Settings) -> int:
    import uvicorn

    from bot.http.app import create_app
    from bot.infra.logs import setup_logging
    from storage.db import upgrade

    settings.require_for_run()
    setup_logging(settings.LOG_LEVEL)
    upgrade(settings.DATABASE_URL)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.HOST,
        port=settings.PORT,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    uvicorn.Server(config).run()
    return 0


def _db_upgrade(settings: Settings) -> int:
    from storage.db import upgrade

    upgrade(settings.DATABASE_URL)
    print("database is up to date")
    return 0


def _keygen() -> int:
    print(f"DATA_KEY={new_data_key()}")
    print(f"TELEGRAM_WEBHOOK_SECRET={new_webhook_secret()}")
    print(f"CASE_WEBHOOK_SECRET={new_standard_webhook_secret()}")
    print(f"CASE_INBOUND_SECRET={new_standard_webhook_secret()}")
    return 0


def _speed(value: str) -> float:
    speed = float(value)
    if not 1 <= speed <= 3600:
        raise argparse.ArgumentTypeError("use a number from 1 to 3600")
    return speed


def _demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run

    return run(port=args.port, factor=args.speed)


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used to print help)."""
    root = argparse.ArgumentParser(
        prog="lapor-tppo", description="Anonymous TPPO reporting bot for Nunukan-Sabah."
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="apply migrations, then serve the bot and HTTP API")
    db = commands.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply pending migrations"
    )
    commands.add_parser("keygen", help="print fresh secrets as NAME=value lines for .env")
    demo = commands.add_parser(
        "demo",
        help="try everything on this machine: a web page with a reporter's chat and the "
        "task force's group, a built-in Bot API stand-in, no Telegram account needed",
    )
    demo.add_argument(
        "--port",
        type=int,
        default=None,
        help="port of the demo page (default: 8080, or any free port)",
    )
    demo.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="start the demo clock this many times faster, 1 to 3600 (the page can change it)",
    )
    return root


# Every command the parser accepts, and what runs it; a command missing here is refused, never
# mistaken for another (an unknown command once fell through to `db upgrade`).
COMMANDS: dict[tuple[str, ...], Callable[[Settings], int]] = {
    ("run",): _run,
    ("db", "upgrade"): _db_upgrade,
}


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Entry point of the `lapor-tppo` console script; `settings` replaces the environment's
    (the demo runs commands against its own)."""
    root = parser()
    args = root.parse_args(argv)
    if args.command == "keygen":
        return _keygen()
    command = (args.command, *([args.db_command] if args.command == "db" else []))
    handler = COMMANDS.get(command)
    if handler is None and args.command != "demo":
        root.error(f"no such command: {' '.join(command)}")
    try:
        if handler is None:
            return _demo(args)
        return handler(settings or load_settings())
    except SettingsError as exc:
        print(f"lapor-tppo: {exc}", file=sys.stderr)
        return 2
    except BotError as exc:  # the demo refusing production settings, or a busy port
        print(f"lapor-tppo: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
