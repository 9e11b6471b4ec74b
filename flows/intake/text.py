"""What the intake flow says: English msgids (gettext keyword `t`), translated by `bot/`.

Wording follows docs/domain.md: short, plain, kind, no blame, no legal labels, no promises.
Commands are written with their Indonesian names, which work in every language.
"""

from __future__ import annotations

from flows.core import Join, Msg, Raw, Text, t
from flows.domain.catalog import Catalog
from flows.domain.report import STORY_LIMIT
from flows.intake.state import Node

# --- button labels ------------------------------------------------------------------------------

SKIP = t("Skip")
STOP = t("Stop")
DONE = t("Done")
BACK = t("« Back")
YES_DANGER = t("Yes, someone is in danger")
NO = t("No")
CONTINUE = t("Continue")
START_AGAIN = t("Start again")
SEND = t("✅ Send report")
PLACE_KIND_LABELS: dict[str, Msg] = {
    "kecamatan": t("In Nunukan (kecamatan)"),
    "crossing": t("At a border crossing"),
    "sabah": t("Somewhere in Sabah"),
    "typed": t("I will type the place"),
}
CHANGE_LABELS: dict[str, Msg] = {
    "danger": t("✏️ Danger"),
    "role": t("✏️ Who reports"),
    "indicators": t("✏️ What happened"),
    "place": t("✏️ Where"),
    "when": t("✏️ When"),
    "victims": t("✏️ People"),
    "story": t("✏️ Your words"),
}
# Each language is named in its own language, so everyone can find theirs.
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English", "ms": "Bahasa Melayu"}

# --- questions ----------------------------------------------------------------------------------

# (for adults, for forum anak children in simpler words)
PROMPTS: dict[Node, tuple[Msg, Msg]] = {
    Node.DANGER: (t("Is anyone, you or someone else, in danger right now?"),) * 2,
    Node.ROLE: (t("Who is making this report?"),) * 2,
    Node.INDICATORS: (
        t("What did you see or hear? Tap everything that fits, then <b>Done</b>."),
        t("What did you notice? Tap all that fit, then <b>Done</b>."),
    ),
    Node.PLACE_KIND: (
        t("Where did it happen, or where is the person now?"),
        t("Where was it?"),
    ),
    Node.PLACE_KECAMATAN: (t("Which kecamatan?"),) * 2,
    Node.PLACE_CROSSING: (t("Which crossing point?"),) * 2,
    Node.PLACE_SABAH: (t("Where in Sabah?"),) * 2,
    Node.PLACE_TYPED: (
        t(
            "Please type the place: a village, road, port or estate. "
            "You do not need to write anyone's name."
        ),
    )
    * 2,
    Node.WHEN: (t("When did it happen?"), t("When did you see it?")),
    Node.VICTIM_COUNT: (t("How many people are affected?"), t("How many people?")),
    Node.VICTIM_AGE: (
        t("How old is the youngest of them, roughly?"),
        t("How old is the youngest one, more or less?"),
    ),
    Node.STORY: (
        t(
            "If you want, tell us more in your own words: what happened, where, and anything "
            "that could help. You do not have to share anything painful, and you do not need "
            "to give your name. Or tap <b>Skip</b>."
        ),
    )
    * 2,
}


def prompt(node: Node, child: bool) -> Msg:
    """The question asked at `node`, in simpler words on the forum anak path."""
    adult, for_child = PROMPTS[node]
    return for_child if child else adult


# --- fixed messages -----------------------------------------------------------------------------

WELCOME = t(
    "<b>Lapor TPPO</b>: report suspected human trafficking, without giving your name.\n\n"
    "<b>What we keep:</b> only your answers to these questions. We never show the task force "
    "your name, username, phone number or Telegram ID.\n"
    "<b>What Telegram can see:</b> Telegram knows you talked to this bot, and this chat stays "
    "on your phone unless you delete it.\n\n"
    "You can skip any question. <b>Stop</b> deletes your draft at any time."
)
CHILD_THANKS = t(
    "Thank you for speaking up. That takes courage.\n\n"
    "You are a reporter, not an investigator. Please do <b>not</b> check, follow, photograph "
    "or go near anyone. Telling us is enough: adults in the task force take it from here.\n\n"
    "We will not ask your name or anything about you."
)
NOTICE_BUTTONS = t("Please choose one of the buttons below.")
NOTICE_MEDIA = t("Sorry, I can only read typed text and buttons here.")
NOTICE_STALE = t("That button is no longer active.")
NOTICE_EMPTY = t("I did not get any words. Please type your message, or tap <b>Skip</b>.")
NOTICE_LANGUAGE = t("Language changed.")
UNKNOWN_COMMAND = t("Sorry, I do not know that command. Send /bantuan to see what I can do.")
STATUS_SOON = t("Checking the status of a report here is coming soon. Thank you for your patience.")
CHOOSE_LANGUAGE = t("Choose your language:")
RESUME_OFFER = t("You have a report in progress. Continue where you left off, or start again?")
IDLE_HINT = t("To start a new report, send /lapor.")
DONE_REMINDER = t("Your report has been sent. To send another report, send /lapor.")
NOTHING_TO_CANCEL = t("There is no report in progress.")
SUBMITTING = t(
    "Your report is being sent. If you do not get a reference number within a few minutes, "
    "send /lapor to send it again."
)
FORGET = t(
    "<b>Deleted.</b> Your draft and answers are deleted from our side.\n\n"
    "A report you already sent stays with the task force so they can act on it, but it holds "
    "no name, username, phone number or Telegram ID.\n\n"
    "This chat stays on your phone unless you delete it yourself: in your chat list, press and "
    "hold this chat, then tap <b>Delete</b>.\n\n"
    "To start again, send /lapor."
)
COMMANDS = t(
    "<b>Commands</b>\n"
    "/lapor: start a new report\n"
    "/batal: stop and delete your draft\n"
    "/hapus: delete your data from our side\n"
    "/bahasa: change the language\n"
    "/status: check a report you sent (coming soon)\n"
    "/bantuan: this help"
)


# --- messages with parameters -------------------------------------------------------------------


def help_lines(catalog: Catalog) -> Text:
    """The help numbers, one per line."""
    lines: list[Text] = [
        Join((Raw("•"), Join((Msg(h.label), Raw(h.number)), sep=": ")), sep=" ")
        for h in catalog.help_lines
    ]
    return Join(tuple(lines))


def danger_help(catalog: Catalog) -> Msg:
    """Shown at once when someone is in danger now."""
    return t(
        "<b>Please get help now if you can:</b>\n{numbers}\n\n"
        "We will mark your report as urgent. Continue here when it is safe.",
        numbers=help_lines(catalog),
    )


def stopped(catalog: Catalog) -> Msg:
    """The quick exit: draft gone, honest about the phone, help numbers, how to restart."""
    return t(
        "<b>Stopped.</b> Your draft is deleted from our side.\n\n"
        "This chat stays on your phone unless you delete it: press and hold this chat in your "
        "chat list, then tap <b>Delete</b>.\n\n"
        "If you or someone else is in danger, call:\n{numbers}\n\n"
        "To start again, send /lapor.",
        numbers=help_lines(catalog),
    )


def help_message(catalog: Catalog) -> Join:
    """Help numbers and the command list (/bantuan)."""
    numbers = t(
        "<b>Help numbers</b>\nIf you or someone else is in danger, call:\n{numbers}",
        numbers=help_lines(catalog),
    )
    return Join((numbers, COMMANDS), sep="\n\n")


def too_long(length: int, limit: int = STORY_LIMIT) -> Msg:
    """Kind request to shorten a message that is over `limit` characters."""
    return t(
        "Thank you. That is a little too long for one report: please shorten it to {limit} "
        "characters or fewer (it has {length}) and send it again.",
        limit=limit,
        length=length,
    )


def confirmation(catalog: Catalog, reference: str) -> Msg:
    """After filing: the reference, who gets it, no promises, help numbers, what next."""
    return t(
        "<b>Thank you. Your report has been sent.</b>\nReference: <b>{reference}</b>\n\n"
        "It goes to the member of the Gugus Tugas TPPO Kabupaten Nunukan (the anti-trafficking "
        "task force) who is on duty, usually within minutes. We cannot promise a particular "
        "outcome.\n\n"
        "If you or someone else is in danger, call:\n{numbers}\n\n"
        "To send another report, send /lapor.",
        reference=reference,
        numbers=help_lines(catalog),
    )
