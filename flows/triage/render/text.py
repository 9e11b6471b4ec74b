"""What the triage flow says to staff: English msgids (`t`, `tn`), translated by `bot/`.

Staff wording is short and exact; commands are written with their Indonesian names, which work
in every language (the English aliases too). Times are local (TIMEZONE).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from flows.core import Join, Msg, Raw, Text, t, tn
from flows.domain.referral import AGENCY_WORDS, Agency, agency_name
from flows.domain.triage import CloseReason, Refusal

# --- buttons ------------------------------------------------------------------------------------

TAKE = t("✋ Take")
ASSIGN = t("👤 Assign")
NOTE = t("📝 Note")
REFER = t("↗️ Refer")
OUTCOME = t("📮 Referral outcome")
CLOSE = t("✅ Close")
REOPEN = t("🔓 Reopen")
HISTORY = t("📜 History")
SHOW = t("👁 Show")
OPEN_IN_GROUP = t("📍 Card in the group")
CANCEL = t("✖ Cancel")

# --- answers ------------------------------------------------------------------------------------

NOT_STAFF = t("Only registered task-force staff can use this.")
STALE = t("That button is no longer active.")
UNKNOWN_COMMAND = t("Unknown command. /bantuan lists the staff commands.")
COORDINATORS_ONLY = t("Only coordinators can change the staff register.")
REPLY = t("↩️ Reply")


def reply_hint(reference: str) -> Msg:
    """How to write to a ticket's reporter (the Reply button on a card)."""
    return t(
        "To write to the reporter of {reference}, send: /balas {reference} your message. They "
        'see it from "Tim Gugus Tugas", never your name.',
        reference=reference,
    )


HOLD_COORDINATORS_ONLY = t("Only coordinators can put a legal hold on a ticket or lift it.")


NOTHING_TO_CANCEL = t("Nothing to cancel.")
NOTE_CANCELLED = t("Note cancelled.")
DISMISSED = t("Closed without changes.")
HELP = t(
    "<b>Staff commands</b> (the English names work too):\n"
    "/tiket [baru|mendesak|saya|semua]: list tickets\n"
    "/lihat REF: a ticket with its notes and history\n"
    "/ambil REF: take a ticket\n"
    "/tugaskan REF [USER_ID]: give it to a colleague\n"
    "/catatan REF text: an internal note, never sent to the reporter\n"
    "/balas REF text: a message to the reporter (if they chose follow-up)\n"
    "/rujuk REF [agency [outcome]]: refer to an agency, record its answer\n"
    "/tutup REF [reason]: close\n"
    "/buka REF: reopen\n"
    "/piket [ambil [2h]]: who is on duty; take duty now\n"
    "/statistik: this week and this month in numbers\n"
    "/staf [tambah USER_ID NAME [koordinator] | hapus USER_ID]: the staff register\n"
    "/tahan REF, /lepas REF: legal hold on or off (coordinators): content kept after closing\n"
    "REF is a ticket reference such as TPPO-7KQ2XM (or just 7KQ2XM)."
)

_USAGES = {
    "tiket": "/tiket [baru|mendesak|saya|semua]",
    "lihat": "/lihat TPPO-XXXXXX",
    "ambil": "/ambil TPPO-XXXXXX",
    "tugaskan": "/tugaskan TPPO-XXXXXX [USER_ID]",
    "catatan": "/catatan TPPO-XXXXXX text",
    "balas": "/balas TPPO-XXXXXX text",
    "rujuk": "/rujuk TPPO-XXXXXX [" + "|".join(a.value for a in Agency) + " [diterima|ditolak|"
    "tanpa_respons|selesai]]",
    "tutup": "/tutup TPPO-XXXXXX [selesai|bukan_tppo|duplikat|tanpa_kontak|spam]",
    "buka": "/buka TPPO-XXXXXX",
    "tahan": "/tahan TPPO-XXXXXX",
    "lepas": "/lepas TPPO-XXXXXX",
    "piket": "/piket [ambil [2h|30m]]",
    "staf": "/staf [tambah USER_ID NAME [koordinator] | hapus USER_ID]",
}


def usage(command: str) -> Msg:
    """The one-line usage of a command (by its Indonesian name)."""
    return t("Usage: {usage}", usage=Raw(_USAGES[command]))


def not_found(reference: str) -> Msg:
    """No such ticket."""
    return t("There is no ticket {reference}. /tiket lists the open ones.", reference=reference)


def refusal(reference: str, why: Refusal, holder: str | None, agency: Agency | None) -> Msg:
    """Why an action on a ticket was refused, in one line."""
    name = Raw(holder or "?")
    if why is Refusal.CLOSED:
        return t("{reference} is closed: /buka {reference} reopens it.", reference=reference)
    if why is Refusal.NOT_CLOSED:
        return t("{reference} is not closed.", reference=reference)
    if why is Refusal.HELD:
        return t(
            "{reference} is held by {holder}: only they or a coordinator can do that.",
            reference=reference,
            holder=name,
        )
    if why is Refusal.ALREADY_YOURS:
        return t("{reference} is already yours.", reference=reference)
    if why is Refusal.ALREADY_THEIRS:
        return t("{reference} is already held by {holder}.", reference=reference, holder=name)
    word = next((w for w, a in AGENCY_WORDS.items() if a is agency), "")
    return t(
        "{reference} was never referred to {agency}: /rujuk {reference} {word} first.",
        reference=reference,
        agency=agency_name(agency or Agency.OTHER),
        word=word,
    )


def note_prompt(reference: str, private: bool) -> Msg:
    """Ask for a note as a typed answer."""
    if private:
        return t(
            "📝 Type your note for {reference} (or /batal). Notes are internal: never sent "
            "to the reporter.",
            reference=reference,
        )
    return t(
        "📝 Reply to this message with your note for {reference} (or /batal). Notes are "
        "internal: never sent to the reporter.",
        reference=reference,
    )


def message_too_long(length: int, limit: int) -> Msg:
    """A message for a reporter over the limit."""
    return t(
        "A message to a reporter can be at most {limit} characters; this one has {length}. "
        "Please shorten it or send it in parts.",
        limit=limit,
        length=length,
    )


def note_too_long(length: int, limit: int) -> Msg:
    """A note over the limit."""
    return t(
        "A note can be at most {limit} characters; this one has {length}. Please shorten it.",
        limit=limit,
        length=length,
    )


def close_menu(reference: str) -> Msg:
    """Choose a close reason."""
    return t("Close {reference}: why?", reference=reference)


def refer_menu(reference: str) -> Msg:
    """Choose an agency."""
    return t("Refer {reference} to which agency?", reference=reference)


CLOSE_WORD = {
    r: w
    for w, r in (
        ("selesai", CloseReason.RESOLVED),
        ("bukan_tppo", CloseReason.NOT_TRAFFICKING),
        ("duplikat", CloseReason.DUPLICATE),
        ("tanpa_kontak", CloseReason.NO_CONTACT),
        ("spam", CloseReason.SPAM),
    )
}

# --- time ---------------------------------------------------------------------------------------


def clock(at: datetime, zone: tzinfo) -> str:
    """`at` as local HH:MM."""
    return f"{at.astimezone(zone):%H:%M}"


def stamp(at: datetime, zone: tzinfo) -> str:
    """`at` as local date and time, with the zone's abbreviation."""
    local = at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def duration(span: timedelta) -> Text:
    """A span of time in words: seconds, minutes, or hours and minutes."""
    seconds = max(int(span.total_seconds()), 0)
    if seconds < 60:
        return tn("{n} second", "{n} seconds", seconds)
    minutes = seconds // 60
    if minutes < 60:
        return tn("{n} minute", "{n} minutes", minutes)
    hours, minutes = divmod(minutes, 60)
    whole = tn("{n} hour", "{n} hours", hours)
    return (
        whole if not minutes else Join((whole, tn("{n} minute", "{n} minutes", minutes)), sep=" ")
    )


def line(*parts: Text | str) -> Join:
    """Pieces side by side; plain strings (separators, references) are shown as they are."""
    return Join(tuple(Raw(p) if isinstance(p, str) else p for p in parts), sep="")


def tickets(n: int) -> Text:
    """A number of tickets."""
    return tn("{n} ticket", "{n} tickets", n)
