"""`lapor-tppo rotate-key`: re-seal stored content under the current DATA_KEY, app running."""

from __future__ import annotations

import asyncio
import sys

from bot.infra.crypto import Keys
from bot.infra.settings import Settings, reveal
from storage.db import Database, upgrade
from storage.rotation import Rotation, rotate


def rotate_key(settings: Settings) -> int:
    """Re-seal everything under DATA_KEY (old values open with DATA_KEYS_OLD); print counts.

    Safe to run again, and while the bot runs: each batch is a short transaction.
    """
    if settings.DATA_KEY is None:
        print("lapor-tppo: DATA_KEY is not set; run `lapor-tppo keygen`", file=sys.stderr)
        return 2
    upgrade(settings.DATABASE_URL)
    keys = Keys(reveal(settings.DATA_KEY), settings.old_data_keys())
    rotation = asyncio.run(_rotate(settings.DATABASE_URL, keys))
    print(f"current key id {keys.key_id}")
    for name, counts in rotation.columns.items():
        print(
            f"{name}: {counts.resealed} re-sealed, {counts.current} already current, "
            f"{counts.unreadable} unreadable"
        )
    if rotation.unreadable:
        print(
            "lapor-tppo: some values open with no key in DATA_KEY or DATA_KEYS_OLD; "
            "add the key they were sealed with to DATA_KEYS_OLD and run again",
            file=sys.stderr,
        )
        return 1
    return 0


async def _rotate(url: str, keys: Keys) -> Rotation:
    db = Database(url, sealer=keys)
    try:
        return await rotate(db)
    finally:
        await db.dispose()
