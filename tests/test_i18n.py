"""Every user-facing string is translated, with the same placeholders, in every locale."""

from __future__ import annotations

import re

from bot.dev.i18n_tools import LOCALES, extract, problems
from bot.infra.catalog import load_catalog
from bot.infra.i18n import Translator
from flows.core import Raw, t


def test_no_missing_translation_or_placeholder_mismatch() -> None:
    assert problems() == []


def test_every_locale_has_a_catalog_and_indonesian_differs_from_english() -> None:
    translator = Translator()
    assert set(LOCALES) <= set(translator.locales)
    msgids = [m.id for m in extract() if m.id]
    assert len(msgids) > 100
    catalog = load_catalog(None)
    places = {
        o.label for name in ("kecamatan", "crossings", "sabah") for o in catalog.lists()[name]
    }
    same = [m for m in msgids if isinstance(m, str) and translator.gettext("id", m) == m]
    # Place names stay as they are, and so does pure markup; every sentence is translated.
    untranslated = [m for m in same if m not in places and re.sub(r"<[^>]+>|\{\w+\}", "", m)]
    assert untranslated == []


def test_rendering_escapes_user_text_but_not_markup() -> None:
    translator = Translator()
    text = t("<b>New report {reference}</b>", reference=Raw("<script>&"))
    rendered = translator.render(text, "en")
    assert rendered == "<b>New report &lt;script&gt;&amp;</b>"
    assert translator.render(text, "en", as_html=False) == "<b>New report <script>&</b>"
