"""Golden transcripts: what every walk shows the reporter, per locale, checked in as text.

A change of wording, a button or the flow shows up as a diff of these files. When the change
is intended, regenerate them and review the diff like code:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.infra.catalog import load_catalog
from bot.infra.i18n import Translator
from flows.intake import IntakeFlow
from tests.golden.walks import WALKS, transcript

HERE = Path(__file__).resolve().parent
LOCALES = ("id", "en", "ms")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CATALOG = load_catalog(None)
TRANSLATOR = Translator()


def _flow() -> IntakeFlow:
    return IntakeFlow(CATALOG, default_locale="id", locales=LOCALES)


def _render(walk: str, locale: str) -> str:
    return transcript(walk, locale, _flow, CATALOG, TRANSLATOR)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("walk", sorted(WALKS))
def test_transcript_matches_the_checked_in_file(walk: str, locale: str) -> None:
    path = HERE / locale / f"{walk}.txt"
    text = _render(walk, locale)
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.relative_to(HERE.parents[1])} differs from what the flow now says; if the "
        "change is intended, run UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden and review "
        "the diff"
    )


def test_no_stale_transcripts() -> None:
    wanted = {f"{locale}/{walk}.txt" for locale in LOCALES for walk in WALKS}
    found = {str(p.relative_to(HERE)) for p in HERE.glob("*/*.txt")}
    assert found == wanted


@pytest.mark.parametrize("walk", ["forum_anak", "child_by_age"])
def test_a_child_is_addressed_as_kamu_never_anda(walk: str) -> None:
    text = _render(walk, "id")
    child_part = text[text.index("Terima kasih") : text.index("=== the staff card")]
    assert "kamu" in child_part.lower()
    assert not re.search(r"\bAnda\b", child_part, re.IGNORECASE)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_adult_path_never_says_kamu_and_the_welcome_says_no_anda(locale: str) -> None:
    text = _render("mother_nunukan", locale)
    assert not re.search(r"\bkamu\b", text, re.IGNORECASE)
    welcome = _render("skips_everything", locale).split("<<<")[1]
    assert not re.search(r"\bAnda\b", welcome)  # before anyone knows the reporter's age


def test_transcripts_show_one_message_for_the_welcome() -> None:
    for walk in WALKS:
        text = _render(walk, "id")
        first = text.split(">>>")[1]
        assert first.count("<<<") == 1, walk
