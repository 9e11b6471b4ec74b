"""Fixtures for the pure triage tests (helpers are in triagekit.py)."""

from __future__ import annotations

import pytest

from bot.infra.catalog import load_catalog
from bot.infra.i18n import Translator
from flows.domain.catalog import Catalog
from flows.triage import TriageFlow
from tests.triage.triagekit import LINK, WITA


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(None)


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()


@pytest.fixture
def flow(catalog: Catalog) -> TriageFlow:
    return TriageFlow(catalog, WITA, "en", LINK)
