"""Catalog labels are message templates: characters that would break Telegram HTML are refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from flows.core.errors import CatalogError
from flows.domain.catalog import parse_catalog

DATA = Path(__file__).resolve().parents[2] / "flows" / "data" / "intake.toml"


@pytest.mark.parametrize("label", ["Hit & threatened", "<b>x</b>", "a {b}"])
def test_labels_that_would_break_html_are_refused(label: str) -> None:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    data["indicators"][0]["label"] = label
    with pytest.raises(CatalogError, match="may not hold"):
        parse_catalog(data)
