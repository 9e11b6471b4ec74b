"""Catalog maintenance for `make i18n` and the translation tests: extract, update, check.

Run as `python -m bot.dev.i18n_tools extract|update|check`. Messages come from `t("...")` calls
in flows/ and bot/ and from the option labels in the catalog TOML files.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.infra.i18n import DOMAIN, LOCALES_DIR

ROOT = LOCALES_DIR.parent
POT = LOCALES_DIR / f"{DOMAIN}.pot"
LOCALES = ("id", "en", "ms")
SOURCE_LOCALE = "en"
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
# `t("...")` marks a message, `tn("one", "many", n)` a plural one (flows/core/text.py).
_KEYWORDS = {"t": None, "tn": (1, 2)}
_METHODS = [
    ("flows/**.py", "python"),
    ("bot/**.py", "python"),
    ("flows/data/**.toml", "bot.dev.i18n_tools:extract_toml"),
]


def extract_toml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor: every `label` in a catalog TOML file is a msgid."""
    raw = fileobj.read()
    data = tomllib.loads(raw.decode("utf-8"))
    lines = raw.decode("utf-8").splitlines()
    for name, items in data.items():
        for item in items if isinstance(items, list) else []:
            label = item.get("label") if isinstance(item, dict) else None
            if isinstance(label, str):
                lineno = next((i + 1 for i, line in enumerate(lines) if label in line), 0)
                yield lineno, "", label, [f"catalog list: {name}"]


def extract() -> Catalog:
    """A template catalog of every message in the source tree."""
    template = Catalog(project="Lapor TPPO", version="0.1", msgid_bugs_address="", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map=_METHODS,
        keywords=_KEYWORDS,
        comment_tags=("i18n:",),
        strip_comment_tags=True,
    ):
        if message and isinstance(message, str | tuple):
            template.add(
                message, None, [(filename, lineno)], auto_comments=comments, context=context
            )
    return template


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)


def update() -> None:
    """Write the template and merge it into every locale's catalog, keeping translations."""
    template = extract()
    _write(POT, template)
    for locale in LOCALES:
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = _read(path) if path.exists() else Catalog(locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # the header: every entry is checked by `problems()` instead
        catalog.project, catalog.version = "Lapor TPPO", "0.1"
        catalog.header_comment = (
            f"# {locale} messages of Lapor TPPO. Edit msgstr only; "
            "`make i18n` keeps msgids in step with the code.\n#"
        )
        if locale == SOURCE_LOCALE:
            for message in catalog:  # the msgids are English: English needs no translator
                if message.id and not any(_forms(message)):
                    message.string = message.id
        _write(path, catalog)


def problems() -> list[str]:
    """Every missing, fuzzy or mismatched translation, and a stale template."""
    template = extract()
    found: list[str] = []
    wanted = {m.id for m in template if m.id}
    if not POT.exists() or {m.id for m in _read(POT) if m.id} != wanted:
        found.append(f"{POT.name} is out of date: run `make i18n`")
    for locale in LOCALES:
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = _read(path) if path.exists() else Catalog(locale=locale)
        for msgid in sorted(wanted, key=str):
            found.extend(_entry_problems(locale, msgid, catalog.get(msgid)))
    return found


def _forms(message: Any) -> tuple[str, ...]:
    """The translated forms of an entry (one, or one per plural form)."""
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (string or "",)


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _entry_problems(locale: str, msgid: Any, message: Any) -> list[str]:
    """What is wrong with one entry: missing, fuzzy, or placeholders unlike the English."""
    forms = () if message is None else _forms(message)
    if not forms or not all(forms):
        return [f"{locale}: no translation for {msgid!r}"]
    if message.fuzzy:
        return [f"{locale}: fuzzy translation for {msgid!r}"]
    english = msgid if isinstance(msgid, tuple) else (msgid,)
    expected = set().union(*(_placeholders(e) for e in english))
    given = [_placeholders(str(f)) for f in forms]
    # A plural form may leave out the count ("one ticket"), never add or drop another name.
    if (
        any(g - expected for g in given)
        or set().union(*given) | {"n"} < expected | {"n"}
        or (not isinstance(msgid, tuple) and given[0] != expected)
    ):
        return [f"{locale}: placeholders differ for {msgid!r}"]
    return []


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    if command in ("extract", "update"):
        update()
        return 0
    issues = problems()
    for line in issues:
        sys.stderr.write(line + "\n")
    return 1 if issues else 0


if __name__ == "__main__":
    raise SystemExit(main())
