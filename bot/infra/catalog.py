"""Reading the operator-edited intake catalog (help numbers, places, options) from its file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from flows.domain.catalog import Catalog, parse_catalog

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "flows" / "data" / "intake.toml"


def load_catalog(path: Path | None) -> Catalog:
    """The intake catalog from `path` (CATALOG_FILE) or the shipped default."""
    with (path or DEFAULT_CATALOG).open("rb") as handle:
        return parse_catalog(tomllib.load(handle))
