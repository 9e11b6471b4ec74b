"""The task force's staff register as flows see it: who may act on tickets, in which role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

NAME_LIMIT = 64
_SPACES = re.compile(r"\s+")


class Role(StrEnum):
    """What a registered staff member may do: coordinators also change the register."""

    MEMBER = "member"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class StaffMember:
    """A registered task-force member: their Telegram user id, display name and role."""

    user_id: int
    name: str
    role: Role = Role.MEMBER

    @property
    def coordinator(self) -> bool:
        """May add and remove staff, and act on any ticket."""
        return self.role is Role.COORDINATOR


def clean_name(text: str) -> str | None:
    """A display name with its spaces tidied, or None when it is empty, too long or odd."""
    name = _SPACES.sub(" ", text).strip()
    if not 0 < len(name) <= NAME_LIMIT or not name.isprintable():
        return None
    return name


def valid_user_id(value: int) -> bool:
    """Telegram user ids are positive and fit in 52 bits."""
    return 0 < value < 2**52
