"""Help numbers as the reporter sees them: grouped by the country a phone can reach them from.

A number of one country usually cannot be dialled from the other's SIM card, so the group of
the country the reporter said they are in comes first (docs/domain.md §6). A child sees the
lines for children (SAPA) first in each group. Lines with no number yet are never shown.
"""

from __future__ import annotations

from flows.core import Join, Msg, Raw, Text, t
from flows.domain.catalog import Catalog, HelpLine
from flows.domain.report import COUNTRIES
from flows.intake.state import Answers

COUNTRY_TITLES: dict[str, Msg] = {
    "indonesia": t("<b>In Indonesia</b>"),
    "malaysia": t("<b>In Malaysia (Sabah)</b>"),
}
OTHER_TITLE = t("<b>Other help</b> (not for emergencies)")


def first_country(a: Answers, locale: str) -> str:
    """The country whose numbers come first: where the reporter said they (or the place) are.

    With nothing said, Malay speakers are most likely in Sabah; everyone else in Indonesia.
    """
    if a.now_in in COUNTRIES:
        return a.now_in
    if a.place_kind == "sabah":
        return "malaysia"
    if a.place_kind in ("kecamatan", "crossing"):
        return "indonesia"
    return "malaysia" if locale == "ms" else "indonesia"


def _number(line: HelpLine) -> Text:
    if line.whatsapp:
        # A tap on a wa.me link opens the chat in WhatsApp.
        return t('WhatsApp <a href="https://wa.me/{digits}">{number}</a>', digits=line.digits,
                 number=line.number)
    return Raw(line.number)


def _line(line: HelpLine) -> Text:
    if line.all_day:
        return t("• {label} (24 hours): {number}", label=Msg(line.label), number=_number(line))
    return t("• {label}: {number}", label=Msg(line.label), number=_number(line))


def _group(title: Msg, lines: list[HelpLine], child: bool) -> Text:
    if child:  # stable: the catalog's order otherwise
        lines = sorted(lines, key=lambda h: not h.children)
    return Join((title, *(_line(h) for h in lines)))


def numbers(catalog: Catalog, first: str, *, child: bool = False,
            everything: bool = False) -> Text:
    """The help numbers, `first` country first; with `everything`, the non-emergency lines too."""
    order = (first, *(c for c in COUNTRIES if c != first))
    groups: list[Text] = []
    for country in order:
        lines = [h for h in catalog.help_lines
                 if h.listed and h.emergency and h.country == country]
        if lines:
            groups.append(_group(COUNTRY_TITLES[country], lines, child))
    others = [h for h in catalog.help_lines if h.listed and not h.emergency]
    if everything and others:
        groups.append(_group(OTHER_TITLE, others, child))
    return Join(tuple(groups), sep="\n\n")


def for_answers(catalog: Catalog, a: Answers, locale: str, *, everything: bool = False) -> Text:
    """The help numbers ordered for this reporter."""
    return numbers(catalog, first_country(a, locale), child=a.child_path, everything=everything)
