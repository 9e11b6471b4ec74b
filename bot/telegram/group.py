"""The task force's group as Telegram has it: its id, a link to its messages, forum topics."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class StaffGroup:
    """The staff group; whether it has forum topics is learned (at start-up and from its updates).

    Several processes each learn it for themselves; a group that turns topics on or off is
    followed from its next update.
    """

    def __init__(self, chat_id: int, is_forum: bool = False) -> None:
        self.chat_id = chat_id
        self.is_forum = is_forum

    @property
    def link(self) -> str | None:
        """The base of links to the group's messages (supergroups only: `-100...` ids)."""
        text = str(self.chat_id)
        return f"https://t.me/c/{text[4:]}" if text.startswith("-100") else None

    def learn(self, is_forum: bool) -> None:
        """The group was seen with (or without) topics."""
        if is_forum != self.is_forum:
            log.info("the staff group %s forum topics", "has" if is_forum else "has no")
            self.is_forum = is_forum
