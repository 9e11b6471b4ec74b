"""The `lapor-tppo` command line: one parser, and a table of what runs each command.

Every command the parser accepts has exactly one entry in `COMMANDS`; anything else is refused,
never mistaken for another command (an unknown one once fell through to `db upgrade`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from bot.errors import BotError, SettingsError
from bot.infra.crypto import new_data_key, new_standard_webhook_secret, new_webhook_secret
from bot.infra.settings import Settings, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _run(_args: argparse.Namespace, settings: Settings) -> int:
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


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
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


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import staff

    if args.staff_command == "add":
        return staff.staff_add(settings, args.user_id, args.name, args.role)
    if args.staff_command == "remove":
        return staff.staff_remove(settings, args.user_id)
    return staff.staff_list(settings)


def _roster(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import staff

    if args.roster_command == "import":
        return staff.roster_import(settings, args.file)
    return staff.roster_show(settings)


def _catalog(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.catalog import check
    from bot.infra.clock import Clock

    return check(settings, Clock().now().astimezone(settings.zone).date(), sys.stdout)


def _outbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import case

    if args.outbox_command == "show":
        return case.outbox_show(settings, args.id)
    if args.outbox_command == "retry":
        return case.outbox_retry(settings, args.id)
    return case.outbox_list(settings, args.status)


def _reconcile(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import case

    return case.reconcile(settings)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import case

    return case.export(settings, args.start, args.end, args.format, args.output)


def _rotate_key(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.rotate import rotate_key

    return rotate_key(settings)


# Every command the parser accepts, and what runs it (keygen and demo need no settings).
COMMANDS: dict[tuple[str, ...], Handler] = {
    ("run",): _run,
    ("db", "upgrade"): _db_upgrade,
    ("staff", "add"): _staff,
    ("staff", "list"): _staff,
    ("staff", "remove"): _staff,
    ("roster", "import"): _roster,
    ("roster", "show"): _roster,
    ("catalog", "check"): _catalog,
    ("outbox", "list"): _outbox,
    ("outbox", "show"): _outbox,
    ("outbox", "retry"): _outbox,
    ("reconcile",): _reconcile,
    ("export",): _export,
    ("rotate-key",): _rotate_key,
}


def _subcommands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command with subcommands (`db upgrade`, `staff add`...), chosen in `<name>_command`."""
    return commands.add_parser(name, help=help_text).add_subparsers(
        dest=f"{name}_command", required=True
    )


def _demo_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="try everything on this machine: a web page with a reporter's chat and the "
        "task force's group, a built-in Bot API stand-in, no Telegram account needed",
    )
    demo.add_argument(
        "--port", type=int, default=None, help="port of the demo page (default: 8080, or any free)"
    )
    demo.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="start the demo clock this many times faster, 1 to 3600 (the page can change it)",
    )


def _staff_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = _subcommands(commands, "staff", "the task force's staff register")
    add = actions.add_parser("add", help="register someone, or change their name or role")
    add.add_argument("user_id", type=int, help="their Telegram user id")
    add.add_argument("--name", required=True, help="the name shown to colleagues")
    add.add_argument("--role", choices=("member", "coordinator"), default="member")
    actions.add_parser("list", help="show the register")
    remove = actions.add_parser("remove", help="take someone off the register")
    remove.add_argument("user_id", type=int)
    roster = _subcommands(commands, "roster", "the duty roster")
    load = roster.add_parser(
        "import", help="replace the roster with a CSV file (user_id,day,start,end,role)"
    )
    load.add_argument("file", type=Path)
    roster.add_parser("show", help="print the roster and who is on duty now")


def _case_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = _subcommands(commands, "outbox", "what is waiting, failed or sent, per channel")
    listing = outbox.add_parser("list", help="counts per channel and each case-system event")
    listing.add_argument("--status", choices=("pending", "failed", "sent"))
    show = outbox.add_parser("show", help="one case-system event, with its body while it waits")
    show.add_argument("id", type=int)
    retry = outbox.add_parser(
        "retry", help="re-enable the case endpoint and send failed events again (one, or all)"
    )
    retry.add_argument("id", type=int, nargs="?")
    commands.add_parser(
        "reconcile", help="tickets the case system never confirmed, or whose status differs"
    )
    export = commands.add_parser("export", help="the register in SIMFONI-style columns")
    export.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    export.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", type=Path, help="a file (CSV goes to standard output without)")


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used to print help)."""
    root = argparse.ArgumentParser(
        prog="lapor-tppo", description="Anonymous TPPO reporting bot for Nunukan-Sabah."
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="apply migrations, then serve the bot and HTTP API")
    _subcommands(commands, "db", "database maintenance").add_parser(
        "upgrade", help="apply pending migrations"
    )
    commands.add_parser("keygen", help="print fresh secrets as NAME=value lines for .env")
    commands.add_parser(
        "rotate-key",
        help="re-seal stored content under DATA_KEY (old values open with DATA_KEYS_OLD)",
    )
    _demo_parser(commands)
    _staff_parsers(commands)
    _case_parsers(commands)
    _subcommands(commands, "catalog", "the intake catalog (CATALOG_FILE)").add_parser(
        "check", help="list help numbers not verified within the last 180 days"
    )
    return root


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Entry point of the `lapor-tppo` console script; `settings` replaces the environment's
    (the demo runs commands against its own)."""
    root = parser()
    args = root.parse_args(argv)
    if args.command == "keygen":
        return _keygen()
    command = (args.command, *filter(None, [getattr(args, f"{args.command}_command", None)]))
    handler = COMMANDS.get(command)
    if handler is None and args.command != "demo":
        root.error(f"no such command: {' '.join(command)}")
    try:
        if handler is None:
            return _demo(args)
        return handler(args, settings or load_settings())
    except SettingsError as exc:
        print(f"lapor-tppo: {exc}", file=sys.stderr)
        return 2
    except BotError as exc:  # the demo refusing production settings, or a busy port
        print(f"lapor-tppo: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
