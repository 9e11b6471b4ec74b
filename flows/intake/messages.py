"""The intake's longer messages: welcome, the fast lane, stopping, help, the confirmation, and
the help numbers they show.

Each is built from translatable pieces (see text.py for the wording rules). Every promise is
one the system keeps: nothing is called "sent" before a ticket exists, and nobody is told they
will be contacted.

Help numbers are grouped by the country a phone can reach them from: a number of one country
usually cannot be dialled from the other's SIM card, so the group of the country the reporter
said they are in comes first (docs/domain.md §6). A child sees the lines for children (SAPA)
first in each group. Lines with no number yet are never shown.
"""

from __future__ import annotations

from flows.core import Join, Msg, Raw, Text, t
from flows.domain.catalog import Catalog, HelpLine
from flows.domain.report import COUNTRIES, STORY_LIMIT
from flows.intake import text as txt
from flows.intake.followup import text as fu_text
from flows.intake.state import Answers

# i18n: the welcome, before anyone knows the reporter's age: avoid "Anda"/"kamu"
WELCOME = t(
    "<b>Lapor TPPO</b>: report human trafficking without giving your name.\n"
    "• Reports are read by the Gugus Tugas TPPO Kabupaten Nunukan, the government's "
    "anti-trafficking task force. They do not see who you are, and they cannot contact you "
    "back unless you choose follow-up at the end.\n"
    "• Telegram itself knows who uses this bot. If someone may check this phone, delete this "
    "chat afterwards.\n"
    "• Every question can be skipped, and you can stop at any time."
)
_GET_HELP = t("<b>Get help now if you can:</b>")
_NOT_SENT_YET = t(
    "Nothing has been sent yet. <b>⚡ Send now</b> sends what is known so far to the task "
    "force at once, marked urgent; the other questions can be answered after."
)
_IN_DANGER_CALL = t("If anyone is in danger, call:")
_HELP_TITLE = t("<b>Help numbers</b>")
_PHONE_NOTE = t(
    "This chat stays on the phone until it is deleted there: press and hold this chat in the "
    "chat list, then tap <b>Delete</b>."
)
_RESTART = t("To start again, send /lapor.")
# i18n: for a child: "kamu"
_TELL_ADULT = t("If you are scared or unsure, tell an adult you trust.")


def welcome(notice: Text | None = None) -> Text:
    """The one-message welcome, with the first question (and what was kept, if anything)."""
    parts = (WELCOME, txt.DANGER_QUESTION)
    return Join(parts if notice is None else (notice, *parts), sep="\n\n")


def urgent(catalog: Catalog, a: Answers, locale: str) -> Text:
    """The fast lane: numbers for where the person is, what "Send now" does, and where."""
    numbers = for_answers(catalog, a, locale)
    return Join((Join((_GET_HELP, numbers)), _NOT_SENT_YET, txt.URGENT_QUESTION), sep="\n\n")


def urgent_filed(reference: str) -> Msg:
    """Said once the fast lane's urgent ticket exists (before the next question)."""
    return t(
        "<b>Sent.</b> The task force has the urgent report: <b>{reference}</b>. The member on "
        "duty usually sees it within minutes; nobody can promise how fast help comes, so call "
        "the numbers above if you can.\n\n"
        "If it is safe, answer a few more questions: each answer is added to the same report.",
        reference=reference,
    )


def stopped(catalog: Catalog, a: Answers, locale: str, linked: bool) -> Text:
    """The quick exit: draft gone (a sent urgent report stays), the phone, numbers, restart."""
    head = (
        t(
            "<b>Stopped.</b> The draft is deleted from our side; the urgent report already "
            "sent stays with the task force."
        )
        if linked
        else t("<b>Stopped.</b> The draft is deleted from our side.")
    )
    parts: list[Text] = [head, _PHONE_NOTE]
    if a.child_path:
        parts.append(_TELL_ADULT)
    parts += [Join((_IN_DANGER_CALL, for_answers(catalog, a, locale))), _RESTART]
    return Join(tuple(parts), sep="\n\n")


def help_message(catalog: Catalog, a: Answers, locale: str) -> Text:
    """Help numbers (all of them, grouped by country) and the command list (/bantuan)."""
    numbers = for_answers(catalog, a, locale, everything=True)
    return Join((Join((_HELP_TITLE, _IN_DANGER_CALL)), numbers, txt.COMMANDS), sep="\n\n")


def too_long(length: int, limit: int = STORY_LIMIT) -> Msg:
    """Kind request to shorten a message that is over `limit` characters."""
    return t(
        "Thank you. That is a little too long for one report: please shorten it to {limit} "
        "characters or fewer (it has {length}) and send it again.",
        limit=limit,
        length=length,
    )


def story_so_far(story: str) -> Msg:
    """The story question when words are already kept: show them, offer to add more."""
    preview = story if len(story) <= 600 else story[:600] + "…"
    return t(
        "Your words so far:\n<blockquote>{story}</blockquote>\n"
        "Type more to add to them, or tap <b>Next</b>. A voice note or a photo is fine too.",
        story=preview,
    )


def confirmation(
    catalog: Catalog,
    reference: str,
    a: Answers,
    locale: str,
    linked: bool,
    receipt: str | None = None,
) -> Text:
    """After filing: the reference, who gets it, no promises, the receipt and the contact
    chosen, help numbers, what next."""
    if a.child_path:
        parts: list[Text] = [
            # i18n: for a child: "kamu"
            t(
                "<b>Thank you. Your report has been sent.</b>\nReference: <b>{reference}</b>",
                reference=reference,
            ),
            # i18n: for a child: "kamu"
            t(
                "Adults in the task force will read it soon. You did the right thing. Please tell "
                "an adult you trust too, and do not go and check anything yourself."
            ),
        ]
    else:
        head = (
            t(
                "<b>Thank you. Everything is added to the urgent report.</b>\n"
                "Reference: <b>{reference}</b>",
                reference=reference,
            )
            if linked
            else t(
                "<b>Thank you. The report has been sent.</b>\nReference: <b>{reference}</b>",
                reference=reference,
            )
        )
        parts = [
            head,
            t(
                "It goes to the member of the Gugus Tugas TPPO Kabupaten Nunukan (the "
                "anti-trafficking task force) who is on duty, usually within minutes. We cannot "
                "promise a particular outcome."
            ),
        ]
    if receipt is not None:
        parts.append(fu_text.receipt_block(receipt, a.child_path))
    parts.append(fu_text.chose(a.followup, a.child_path))
    parts.append(Join((_IN_DANGER_CALL, for_answers(catalog, a, locale))))
    # i18n: the first message is for a child ("kamu"), the second for an adult
    parts.append(
        t(
            "If other people use this phone, delete this chat now: press and hold it in "
            "the chat list, then tap <b>Delete</b>."
        )
        if a.child_path
        else t(
            "If someone may check this phone, delete this chat. To send another report, "
            "send /lapor."
        )
    )
    return Join(tuple(parts), sep="\n\n")


# --- help numbers --------------------------------------------------------------------------------

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
        return t(
            'WhatsApp <a href="https://wa.me/{digits}">{number}</a>',
            digits=line.digits,
            number=line.number,
        )
    return Raw(line.number)


def _line(line: HelpLine) -> Text:
    if line.all_day:
        return t("• {label} (24 hours): {number}", label=Msg(line.label), number=_number(line))
    return t("• {label}: {number}", label=Msg(line.label), number=_number(line))


def _group(title: Msg, lines: list[HelpLine], child: bool) -> Text:
    if child:  # stable: the catalog's order otherwise
        lines = sorted(lines, key=lambda h: not h.children)
    return Join((title, *(_line(h) for h in lines)))


def numbers(catalog: Catalog, first: str, *, child: bool = False, everything: bool = False) -> Text:
    """The help numbers, `first` country first; with `everything`, the non-emergency lines too."""
    order = (first, *(c for c in COUNTRIES if c != first))
    groups: list[Text] = []
    for country in order:
        lines = [h for h in catalog.help_lines if h.listed and h.emergency and h.country == country]
        if lines:
            groups.append(_group(COUNTRY_TITLES[country], lines, child))
    others = [h for h in catalog.help_lines if h.listed and not h.emergency]
    if everything and others:
        groups.append(_group(OTHER_TITLE, others, child))
    return Join(tuple(groups), sep="\n\n")


def for_answers(catalog: Catalog, a: Answers, locale: str, *, everything: bool = False) -> Text:
    """The help numbers ordered for this reporter."""
    return numbers(catalog, first_country(a, locale), child=a.child_path, everything=everything)
