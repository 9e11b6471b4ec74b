"""Reading staff commands: names (Indonesian and English), references, scopes, durations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.domain.duty.staff import Role, StaffMember, clean_name, valid_user_id
from flows.domain.referral import AGENCY_WORDS, OUTCOME_WORDS, Agency, Outcome
from flows.domain.triage import CLOSE_WORDS, CloseReason, ListScope

# Every name a command goes by, to its Indonesian name.
COMMANDS: dict[str, str] = {
    "tiket": "tiket",
    "tickets": "tiket",
    "lihat": "lihat",
    "show": "lihat",
    "ambil": "ambil",
    "claim": "ambil",
    "tugaskan": "tugaskan",
    "assign": "tugaskan",
    "catatan": "catatan",
    "note": "catatan",
    "balas": "balas",
    "reply": "balas",
    "rujuk": "rujuk",
    "refer": "rujuk",
    "tutup": "tutup",
    "close": "tutup",
    "buka": "buka",
    "reopen": "buka",
    "piket": "piket",
    "duty": "piket",
    "statistik": "statistik",
    "stats": "statistik",
    "staf": "staf",
    "staff": "staf",
    "bantuan": "bantuan",
    "help": "bantuan",
    "start": "bantuan",
    "batal": "batal",
    "cancel": "batal",
    "tahan": "tahan",
    "hold": "tahan",
    "lepas": "lepas",
    "release": "lepas",
}
# In a private chat the reporter's own commands (/start, /bantuan, /batal...) stay the
# intake's: a staff member may report too.
PRIVATE_COMMANDS = frozenset(n for n, c in COMMANDS.items() if c not in ("bantuan", "batal"))

SCOPES: dict[str, ListScope] = {
    "baru": ListScope.NEW,
    "new": ListScope.NEW,
    "mendesak": ListScope.URGENT,
    "urgent": ListScope.URGENT,
    "saya": ListScope.MINE,
    "mine": ListScope.MINE,
    "semua": ListScope.ALL,
    "all": ListScope.ALL,
}
MAX_DUTY_MINUTES = 24 * 60
_REFERENCE = re.compile(r"(?:TPPO-)?([0-9A-HJKMNP-TV-Z]{6})")
_DURATION = re.compile(r"(?:(\d{1,2})h)?(?:(\d{1,4})m)?")
_ADD = frozenset({"tambah", "add"})
_REMOVE = frozenset({"hapus", "remove"})
_ROLES = {
    "koordinator": Role.COORDINATOR,
    "coordinator": Role.COORDINATOR,
    "anggota": Role.MEMBER,
    "member": Role.MEMBER,
}


def reference(word: str) -> str | None:
    """A ticket reference from what staff typed (`TPPO-7KQ2XM`, `tppo-7kq2xm` or `7KQ2XM`)."""
    match = _REFERENCE.fullmatch(word.strip().upper())
    return f"TPPO-{match.group(1)}" if match else None


def minutes(word: str) -> int | None:
    """A duration such as `2h`, `30m` or `1h30m`, in minutes (1 minute to 24 hours)."""
    match = _DURATION.fullmatch(word.strip().lower())
    if match is None or not any(match.groups()):
        return None
    total = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    return total if 0 < total <= MAX_DUTY_MINUTES else None


def agency(word: str) -> Agency | None:
    """An agency named by id or a common word for it."""
    return AGENCY_WORDS.get(word.strip().lower())


def outcome(word: str) -> Outcome | None:
    """A referral outcome, in Indonesian or English."""
    return OUTCOME_WORDS.get(word.strip().lower())


def close_reason(word: str) -> CloseReason | None:
    """A close reason, in Indonesian or English."""
    return CLOSE_WORDS.get(word.strip().lower())


@dataclass(frozen=True)
class StaffChange:
    """`/staf tambah USER_ID NAME [role]` or `/staf hapus USER_ID`."""

    remove: bool
    user_id: int
    member: StaffMember | None = None


def staff_change(words: list[str]) -> StaffChange | None:
    """The register change asked for, or None when the words do not make one."""
    if len(words) < 2 or not words[1].isdigit() or not valid_user_id(int(words[1])):
        return None
    user_id, kind = int(words[1]), words[0].lower()
    if kind in _REMOVE and len(words) == 2:
        return StaffChange(True, user_id)
    if kind not in _ADD or len(words) < 3:
        return None
    role = _ROLES.get(words[-1].lower())
    name = clean_name(" ".join(words[2:-1] if role is not None else words[2:]))
    if name is None:
        return None
    return StaffChange(False, user_id, StaffMember(user_id, name, role or Role.MEMBER))
