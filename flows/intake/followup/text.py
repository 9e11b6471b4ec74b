"""The follow-up's words for reporters: receipts, the contact choice, status, relayed messages.

Short, kind and honest about what happens (docs/domain.md): "no contact" means nothing links
the reporter to the report; follow-up means the task force can write here until it closes.
"""

from __future__ import annotations

from flows.core import Join, Msg, Raw, Text, t
from flows.domain.ticket import TicketStatus

CONTACT_LABEL_HEAD = t("<b>Follow-up:</b>")
NO_CONTACT = t("No contact. Nothing links you to the report once it is sent.")
CONTACT = t("Through this chat. The task force can write to you here until the report is closed.")
# i18n: for a child: "kamu"
NO_CONTACT_CHILD = t("No messages. Nothing connects you to the report after you send it.")
# i18n: for a child: "kamu"
CONTACT_CHILD = t("Messages here. The task force can write to you in this chat until they finish.")
ALLOW_CONTACT = t("💬 Allow messages here")
NO_CONTACT_BUTTON = t("🚫 No contact")

CHOSE_NO_CONTACT = t(
    "You chose <b>no contact</b>: nothing links you to this report, and the task force cannot "
    "write to you. Use your receipt to check on it."
)
CHOSE_CONTACT = t(
    "You chose <b>follow-up through this chat</b>: the task force may write to you here until "
    "the report is closed. To end this at any time, send /hapus."
)
# i18n: for a child: "kamu"
CHOSE_NO_CONTACT_CHILD = t(
    "You chose <b>no messages</b>: nothing connects you to this report. Keep your receipt to "
    "check on it later."
)
# i18n: for a child: "kamu"
CHOSE_CONTACT_CHILD = t(
    "You chose <b>messages in this chat</b>: the task force may write to you here until they "
    "finish. To stop this, send /hapus."
)


def contact_line(followup: bool, child: bool) -> Text:
    """The review's line about the contact chosen."""
    if child:
        return CONTACT_CHILD if followup else NO_CONTACT_CHILD
    return CONTACT if followup else NO_CONTACT


def chose(followup: bool, child: bool) -> Text:
    """The confirmation's line about the contact chosen, and what it means."""
    if child:
        return CHOSE_CONTACT_CHILD if followup else CHOSE_NO_CONTACT_CHILD
    return CHOSE_CONTACT if followup else CHOSE_NO_CONTACT


def receipt_block(receipt: str, child: bool = False) -> Text:
    """The receipt, shown once, with advice on keeping it."""
    advice = (
        # i18n: for a child: "kamu"
        t(
            "Write it on paper and keep it in a safe place. Do not show it to anyone. You see it "
            "only this once.\nLater you or a trusted adult can send <code>/status</code> and the "
            "receipt, from any Telegram account, to see what is happening."
        )
        if child
        else t(
            "Write it down and keep it somewhere safe, away from this phone if someone may "
            "check it. Show it to nobody. It is shown only this once.\n"
            "With it you can send <code>/status</code> and the receipt, from any Telegram "
            "account, to see what is happening and to add information."
        )
    )
    return Join((t("<b>Your secret receipt:</b> <code>{receipt}</code>", receipt=receipt), advice))


STATUS_HOW = t(
    "To check a report, send /status followed by the secret receipt you got when it was sent, "
    "for example:\n<code>/status 7K2M9-QX4HP-WN3RT-8VJ6F</code>"
)
STATUS_BAD = t(
    "That does not look like a receipt. A receipt has 20 letters and numbers, like "
    "<code>7K2M9-QX4HP-WN3RT-8VJ6F</code>. Please check it and try again."
)
STATUS_UNKNOWN = t(
    "No report was found with that receipt. Please check each letter and number and try again."
)
STATUS_THROTTLED = t(
    "There have been too many tries. Please wait 15 minutes, then try again. If someone is in "
    "danger now, call the police at 110."
)
STATUS_WORDS: dict[TicketStatus, Msg] = {
    TicketStatus.NEW: t("received; it is waiting for a member of the task force."),
    TicketStatus.ACKNOWLEDGED: t("being handled by the task force."),
    TicketStatus.REFERRED: t("passed on to an agency that can help."),
    TicketStatus.CLOSED: t("closed. Thank you for reporting."),
}
ADD_INFO = t("➕ Add information")
ADD_PROMPT = t(
    "Send your message, photo, voice note or file now. It will be added to the report, "
    "without your name."
)
ADDED = t("Thank you. It has been added to the report.")
NOT_ADDED = t("Sorry, it could not be added: the report is no longer open for messages.")
ADD_KIND = t("Please send text, a photo, a voice note, a video or a file.")
ADD_EXPIRED = t("That was a while ago. To add information, send /status with your receipt again.")
RELAY_HEAD = t("<b>Message from Tim Gugus Tugas:</b>")
REPLY_BUTTON = t("↩️ Reply")
REPLY_PROMPT = t("Write your answer now. It goes to the task force without your name.")


def closed_notice(reference: str) -> Msg:
    """Told to an opted-in reporter when their ticket closes (never the internal reason)."""
    return t(
        "<b>Report {reference} is now closed.</b> The task force has finished its work on it. "
        "Thank you for reporting: it helps keep people safe.\n\n"
        "This chat is no longer linked to the report. If you need help again, send /lapor, or "
        "call the police at 110 in an emergency.",
        reference=reference,
    )


def status_text(reference: str, status: TicketStatus, messages: tuple[str, ...]) -> Text:
    """The status in a reporter's words, and the task force's messages (escaped by the adapter:
    they are `Raw`)."""
    parts: list[Text] = [
        t(
            "<b>Report {reference}</b> is {status}",
            reference=reference,
            status=STATUS_WORDS[status],
        )
    ]
    if messages:
        parts.append(Join((RELAY_HEAD, *(Raw(m) for m in messages))))
    return Join(tuple(parts), sep="\n\n")


def relayed(text: str) -> Text:
    """A message from the task force, as the reporter sees it (no staff name)."""
    return Join((RELAY_HEAD, Raw(text)))


ADD_CANCELLED = t("Nothing was added.")


def too_long(count: int, limit: int) -> Text:
    """A kind request to send a long message in parts."""
    return t(
        "That is {count} characters; one message can hold {limit}. Please send it in shorter "
        "parts.",
        count=count,
        limit=limit,
    )
