"""`lapor-tppo catalog check`: help numbers an operator must verify (or still supply)."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import TextIO

from bot.infra.catalog import DEFAULT_CATALOG, load_catalog
from bot.infra.settings import Settings
from flows.core.errors import CatalogError
from flows.domain.catalog import VERIFY_WITHIN, help_check


def check(settings: Settings, today: date, out: TextIO) -> int:
    """Print every help line to look at; 0 when all are verified recently, 1 otherwise, 2 when
    the catalog cannot be read."""
    path = settings.CATALOG_FILE or DEFAULT_CATALOG
    try:
        catalog = load_catalog(settings.CATALOG_FILE)
    except (OSError, tomllib.TOMLDecodeError, CatalogError) as exc:
        out.write(f"lapor-tppo: cannot read the catalog {path}: {exc}\n")
        return 2
    found = help_check(catalog, today)
    listed = sum(1 for line in catalog.help_lines if line.listed)
    if not found:
        out.write(
            f"All {listed} help numbers in {path} were verified within the last "
            f"{VERIFY_WITHIN.days} days.\n"
        )
        return 0
    out.write(
        f"{len(found)} of {len(catalog.help_lines)} help lines in {path} need a look "
        f"(today is {today.isoformat()}; numbers are due every {VERIFY_WITHIN.days} days).\n"
        "Call each number, then set its `verified` date (or fill in its number):\n"
    )
    width = max(len(line.label) for line, _ in found)
    for line, reason in found:
        number = line.number or "(none)"
        out.write(f"  {line.country:<9}  {line.label:<{width}}  {number:<18}  {reason}\n")
    return 1
