"""Every user-facing string is translated, with the same placeholders, in every locale."""

from __future__ import annotations

import re

import pytest

from bot.dev.i18n_tools import LOCALES, extract, problems
from bot.infra.catalog import load_catalog
from bot.infra.i18n import Translator
from flows.core import Raw, t


def test_no_missing_translation_or_placeholder_mismatch() -> None:
    assert problems() == []


@pytest.mark.parametrize("locale", ["id", "ms"])
def test_every_locale_has_a_catalog_and_differs_from_english(locale: str) -> None:
    translator = Translator()
    assert set(LOCALES) <= set(translator.locales)
    assert {"id", "en", "ms"} <= set(LOCALES)
    msgids = [m.id for m in extract() if m.id]
    assert len(msgids) > 100
    catalog = load_catalog(None)
    # Names of places and offices stay as they are, and so do markup and punctuation.
    names = {
        o.label for name in ("kecamatan", "crossings", "sabah") for o in catalog.lists()[name]
    } | {h.label for h in catalog.help_lines}
    same = [m for m in msgids if isinstance(m, str) and translator.gettext(locale, m) == m]
    untranslated = [
        m
        for m in same
        if m not in names
        and re.sub(r"<[^>]+>|\{\w+\}|WhatsApp|Kabupaten Nunukan|Sabah|[\W_]", "", m)
    ]
    assert untranslated == []


def test_plural_forms_are_translated() -> None:
    translator = Translator()
    assert translator.ngettext("ms", "{n} photo", "{n} photos", 3) == "{n} gambar"
    assert translator.ngettext("id", "{n} voice note", "{n} voice notes", 1) == "{n} pesan suara"


def test_reporter_text_avoids_the_words_the_issue_names() -> None:
    """No "dugaan", "username" or "ID Telegram"; a child victim is "jadi korban"."""
    translator = Translator()
    for m in extract():
        if not m.id or (m.locations and all("card.py" in path for path, _ in m.locations)):
            continue  # the staff card is not reporter text
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        text = translator.gettext("id", msgid).lower()
        for word in ("dugaan", "username", "id telegram", "yang terlibat"):
            assert word not in text, (word, msgid)


def test_rendering_escapes_user_text_but_not_markup() -> None:
    translator = Translator()
    text = t("<b>New report {reference}</b>", reference=Raw("<script>&"))
    rendered = translator.render(text, "en")
    assert rendered == "<b>New report &lt;script&gt;&amp;</b>"
    assert translator.render(text, "en", as_html=False) == "<b>New report <script>&</b>"
