"""What the intake flow says: English msgids (gettext keyword `t`), translated by `bot/`.

Wording follows docs/domain.md: short, plain, kind, no blame, no legal labels, no promises.
The Indonesian (and Malay) translations avoid "Anda" wherever a sentence can do without a
pronoun, so that a child who has not said their age yet is not addressed as an adult; a message
meant for a child has its own msgid, translated with "kamu". Commands are written with their
Indonesian names, which work in every language.
"""

from __future__ import annotations

from flows.core import Msg, t
from flows.intake.state import Node

# --- button labels ------------------------------------------------------------------------------

SKIP = t("Skip")
STOP = t("Stop")
NEXT = t("Next")
BACK = t("« Back")
YES_DANGER = t("Yes, someone is in danger")
NO = t("No")
CONTINUE = t("Continue")
START_AGAIN = t("Start again")
SEND = t("✅ Send report")
SEND_ANYWAY = t("Send anyway")
SEND_NOW = t("⚡ Send now")
NOT_NOW = t("Not now, keep going")
COUNTRY_LABELS: dict[str, Msg] = {
    "malaysia": t("In Malaysia"),
    "indonesia": t("In Indonesia"),
}
STOP_YES = t("Yes, delete it")
WIPE_CHAT = t("🗑 Delete this chat")
STOP_NO = t("No, go back")
CLEAR_STORY = t("🗑 Delete what I wrote")
CLEAR_FILES = t("🗑 Remove attachments")
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

# i18n: the first question, before anyone knows the reporter's age: avoid "Anda"/"kamu"
DANGER_QUESTION = t("<b>Is anyone in danger right now, you or someone else?</b>")
URGENT_QUESTION = t(
    "<b>Where is the person in danger now?</b> Choose, and the numbers that work there come first."
)
# (for adults, for children in simpler words)
PROMPTS: dict[Node, tuple[Msg, Msg]] = {
    Node.DANGER: (DANGER_QUESTION,) * 2,
    Node.ROLE: (t("Who is making this report?"),) * 2,
    # i18n: asked before anyone knows the reporter's age: avoid "Anda" and "kamu" if you can
    Node.MY_AGE: (t("How old are you?"),) * 2,
    Node.INDICATORS: (
        t(
            "<b>What did you see, hear or go through?</b> You can choose more than one, then "
            "tap <b>Next</b>. If nothing fits, just tap <b>Next</b>."
        ),
        # i18n: for a child: "kamu", simple words
        t("<b>What did you notice?</b> You can tap more than one, then tap <b>Next</b>."),
    ),
    Node.PLACE_KIND: (
        t("Where did it happen, or where is the person now?"),
        # i18n: for a child: "kamu", simple words
        t("Where was it?"),
    ),
    Node.PLACE_KECAMATAN: (t("Which kecamatan?"),) * 2,
    Node.PLACE_CROSSING: (t("Which crossing point?"),) * 2,
    Node.PLACE_SABAH: (t("Where in Sabah?"),) * 2,
    Node.PLACE_TYPED: (
        t(
            "Please type the place: a village, road, port or estate. There is no need to write "
            "anyone's name."
        ),
    )
    * 2,
    Node.WHEN: (
        t("When did it happen?"),
        # i18n: for a child: "kamu", simple words
        t("When was it?"),
    ),
    Node.VICTIM_COUNT: (
        t("How many people are affected?"),
        # i18n: for a child: "kamu", simple words
        t("How many people?"),
    ),
    Node.VICTIM_AGE: (
        t("How old is the youngest of them, roughly?"),
        # i18n: for a child: "kamu", simple words
        t("How old is the youngest one, more or less?"),
    ),
    Node.STORY: (
        t(
            "If you want, tell us more in your own words: what happened, where, and anything "
            "that could help. A voice note or a photo is fine too. You do not have to share "
            "anything painful, and you do not need to give your name. Or tap <b>Skip</b>."
        ),
    )
    * 2,
}


def prompt(node: Node, child: bool) -> Msg:
    """The question asked at `node`, in simpler words on the child path."""
    adult, for_child = PROMPTS[node]
    return for_child if child else adult


# --- notices (a line before the question is asked again) ---------------------------------------

NOTICE_BUTTONS = t("Please choose one of the buttons below.")
NOTICE_TEXT_KEPT = t(
    "Thank you: what you wrote is kept with the report, and shown before it is sent. Please "
    "also choose one of the buttons below, or tap <b>Skip</b>."
)
NOTICE_FIRST_KEPT = t(
    "Thank you. Your message is kept: it becomes part of the report, and you will see it "
    "again before anything is sent."
)
NOTICE_CAPTION_KEPT = t("The words sent with it are kept too.")
NOTICE_NOT_KEPT = t(
    "Sorry, stickers and the like cannot go with a report. You can type, send a voice note, a "
    "photo or a location, or use the buttons."
)
NOTICE_TOO_BIG = t(
    "Sorry, this file is too big for us to receive (the limit is 20 MB), so it was not kept. "
    "A shorter video or a photo works, or you can describe it in words."
)
WARN_PHOTO_AS_FILE = t(
    "Photos sent as a file can carry the place and time they were taken. We remove that "
    "before the task force sees it, but Telegram received the original."
)
WARN_VOICE = t(
    "Please remember that a voice can be recognised by people who know the speaker. If that "
    "worries you, typing works too."
)
NOTICE_FULL = t("This report already holds as many files as it can, so this one was not kept.")
NOTICE_STALE = t("That button is no longer active.")
NOTICE_EMPTY = t("No words came through. Please type the message, or tap <b>Skip</b>.")
NOTICE_LANGUAGE = t("Language changed.")
NOTICE_STORY_CLEARED = t("What you wrote is deleted from this report.")
NOTICE_FILES_CLEARED = t("The attachments are removed from this report.")
# What was kept, by the kind of message (KEPT_KINDS in flows/domain/report.py).
KEPT: dict[str, Msg] = {
    "photo": t("📷 Photo kept with the report."),
    "voice": t("🎙 Voice note kept with the report."),
    "audio": t("🎵 Recording kept with the report."),
    "video": t("🎬 Video kept with the report."),
    "video_note": t("🎬 Video kept with the report."),
    "document": t("📄 File kept with the report."),
    "location": t("📍 Location kept with the report."),
}

# --- fixed messages -----------------------------------------------------------------------------

UNKNOWN_COMMAND = t("Sorry, I do not know that command. Send /bantuan to see what I can do.")
CHOOSE_LANGUAGE = t("Choose a language:")
RESUME_OFFER = t("A report is in progress. Continue where you left off, or start again?")
IDLE_HINT = t("To start a new report, send /lapor.")
DONE_REMINDER = t("The report has been sent. To send another report, send /lapor.")
NOTHING_TO_CANCEL = t("There is no report in progress.")
SUBMITTING = t(
    "The report is being sent. If no reference number comes within a few minutes, send /lapor "
    "to send it again."
)
STOP_CONFIRM = t(
    "<b>Stop and delete this report?</b> The answers given so far will be deleted and nothing "
    "more is sent."
)
STOP_CONFIRM_LINKED = t(
    "<b>Stop here?</b> The answers not yet sent will be deleted. The urgent report already sent "
    "stays with the task force."
)
EMPTY_CHECK = t(
    "<b>This report says nothing yet about what happened, where, or in your own words</b>, so "
    "the task force may not be able to act on it. Send it anyway, or add something first?"
)
LINK_CLOSED = t(
    "The urgent report sent earlier is with the task force. To keep you safe, this chat no "
    "longer adds to it. To tell us something new, send /lapor."
)
FORGET = t(
    "<b>Deleted.</b> The draft and its answers are deleted from our side, and so are the "
    "messages of this chat from the last 48 hours, as far as Telegram allows.\n\n"
    "Telegram does not let the bot delete older messages. A report already sent stays with the "
    "task force so they can act on it; it holds no name or phone number. If you chose "
    "follow-up, the task force can no longer write to this chat.\n\n"
    "To remove everything from this phone, delete the chat: in the chat list, press and hold "
    "this chat, then tap <b>Delete</b>.\n\n"
    "To start again, send /lapor."
)
# Sent when Telegram refused to delete messages /hapus asked it to delete.
DELETE_REFUSED = t(
    "Telegram would not delete some of the messages in this chat. To remove them, delete the "
    "chat: in the chat list, press and hold this chat, then tap <b>Delete</b>."
)
COMMANDS = t(
    "<b>Commands</b>\n"
    "/lapor: start a new report\n"
    "/batal: stop and delete the draft\n"
    "/hapus: delete your data from our side\n"
    "/bahasa: change the language\n"
    "/status RECEIPT: check a report you sent, and add to it\n"
    "/bantuan: this help"
)
# i18n: for a Forum Anak child reporter: "kamu"; they report, they never investigate
CHILD_THANKS_FORUM = t(
    "Thank you for speaking up. That takes courage.\n\n"
    "You are a reporter, not an investigator. Please do <b>not</b> check, follow, photograph "
    "or go near anyone. Telling us is enough: adults in the task force take it from here. "
    "Please tell an adult you trust too, like your Forum Anak mentor.\n\n"
    "We will not ask your name or anything about you. If other people use this phone, delete "
    "this chat when you finish."
)
# i18n: for a child telling about themself or others: "kamu", warm, no blame
CHILD_THANKS = t(
    "Thank you for telling us. That was brave, and what happened is not your fault.\n\n"
    "Please also tell an adult you trust, like a parent, a teacher or someone from Forum Anak. "
    "Do not go and check anything yourself.\n\n"
    "We will not ask your name or anything about you. If other people use this phone, delete "
    "this chat when you finish."
)
