"""Translations (gettext catalogs built from `locales/*/LC_MESSAGES/messages.po`) and rendering.

The .po files are compiled in memory at start-up, so a fresh checkout needs no build step.
Every parameter that is not itself a translated message is HTML-escaped here, in one place.
"""

from __future__ import annotations

import gettext
import html
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from flows.core import Join, Plural, Raw, Text

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"

log = logging.getLogger(__name__)


def _load(path: Path) -> gettext.NullTranslations:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Renders flow `Text` into a locale, as Telegram HTML or as plain button text."""

    def __init__(self, locales_dir: Path = LOCALES_DIR, fallback: str = "en") -> None:
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        for po in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            self._catalogs[po.parent.parent.name] = _load(po)
        self._fallback = fallback

    @property
    def locales(self) -> tuple[str, ...]:
        """The locales that have a catalog."""
        return tuple(sorted(self._catalogs))

    def gettext(self, locale: str, msgid: str) -> str:
        """The translation of `msgid`, or the English msgid itself when there is none."""
        catalog = self._catalogs.get(locale) or self._catalogs.get(self._fallback)
        return catalog.gettext(msgid) if catalog else msgid

    def ngettext(self, locale: str, singular: str, plural: str, n: int) -> str:
        """The form of a plural message for count `n` in `locale` (English forms as fallback)."""
        catalog = self._catalogs.get(locale) or self._catalogs.get(self._fallback)
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)

    def render(self, text: Text, locale: str, *, as_html: bool = True) -> str:
        """`text` in `locale`; with `as_html`, user-supplied pieces are HTML-escaped."""
        if isinstance(text, Raw):
            return html.escape(text.text, quote=False) if as_html else text.text
        if isinstance(text, Join):
            return text.sep.join(self.render(p, locale, as_html=as_html) for p in text.parts)
        if isinstance(text, Plural):
            template = self.ngettext(locale, text.singular, text.plural, text.n)
            english = text.singular if text.n == 1 else text.plural
            return self._fill(template, english, text.params, locale, as_html)
        return self._fill(
            self.gettext(locale, text.msgid), text.msgid, text.params, locale, as_html
        )

    def _fill(
        self,
        template: str,
        english: str,
        params: tuple[tuple[str, Text], ...],
        locale: str,
        as_html: bool,
    ) -> str:
        if not params:
            return template
        values = {name: self.render(value, locale, as_html=as_html) for name, value in params}
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not silence the bot: fall back to the English msgid.
            log.error("translation of a message in %s has bad placeholders", locale)
            return english.format_map(values)
