"""The `lapor-tppo` command line: run, db upgrade, keygen, catalog check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def _catalog_check(settings: Settings) -> int:
    from bot.cli.catalog import check
    from bot.infra.clock import Clock

    return check(settings, Clock().now().astimezone(settings.zone).date(), sys.stdout)


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
    catalog = commands.add_parser("catalog", help="the intake catalog (CATALOG_FILE)")
    catalog.add_subparsers(dest="catalog_command", required=True).add_parser(
        "check", help="list help numbers not verified within the last 180 days"
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lapor-tppo` console script."""
    args = parser().parse_args(argv)
    if args.command == "keygen":
        return _keygen()
    try:
        settings = load_settings()
        if args.command == "run":
            return _run(settings)
        if args.command == "catalog":
            return _catalog_check(settings)
        return _db_upgrade(settings)
    except SettingsError as exc:
        print(f"lapor-tppo: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
