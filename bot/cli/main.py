"""The `lapor-tppo` command line: run, db upgrade, keygen, staff, roster."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.errors import SettingsError
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
    _staff_parsers(commands)
    return root


def _staff_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register = commands.add_parser("staff", help="the task force's staff register")
    actions = register.add_subparsers(dest="staff_command", required=True)
    add = actions.add_parser("add", help="register someone, or change their name or role")
    add.add_argument("user_id", type=int, help="their Telegram user id")
    add.add_argument("--name", required=True, help="the name shown to colleagues")
    add.add_argument("--role", choices=("member", "coordinator"), default="member")
    actions.add_parser("list", help="show the register")
    remove = actions.add_parser("remove", help="take someone off the register")
    remove.add_argument("user_id", type=int)
    duty = commands.add_parser("roster", help="the duty roster")
    roster_actions = duty.add_subparsers(dest="roster_command", required=True)
    load = roster_actions.add_parser(
        "import", help="replace the roster with a CSV file (user_id,day,start,end,role)"
    )
    load.add_argument("file", type=Path)
    roster_actions.add_parser("show", help="print the roster and who is on duty now")


def _staff_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import staff

    if args.command == "staff":
        if args.staff_command == "add":
            return staff.staff_add(settings, args.user_id, args.name, args.role)
        if args.staff_command == "remove":
            return staff.staff_remove(settings, args.user_id)
        return staff.staff_list(settings)
    if args.roster_command == "import":
        return staff.roster_import(settings, args.file)
    return staff.roster_show(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lapor-tppo` console script."""
    args = parser().parse_args(argv)
    if args.command == "keygen":
        return _keygen()
    try:
        settings = load_settings()
        if args.command == "run":
            return _run(settings)
        if args.command in ("staff", "roster"):
            return _staff_command(args, settings)
        return _db_upgrade(settings)
    except SettingsError as exc:
        print(f"lapor-tppo: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
