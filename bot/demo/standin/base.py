"""What every group of stand-in methods shares: the world, and finding chats and topics."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from bot.demo.standin.errors import ApiError
from bot.demo.standin.world import Chat, World

Uploads = dict[str, tuple[str, str, bytes]]  # field name -> (file name, MIME type, bytes)
Handler = Callable[[dict[str, Any], Uploads], Any]

ADMIN_RIGHTS = dict.fromkeys(
    (
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
        "can_manage_topics",
    ),
    True,
) | {"can_promote_members": False, "can_be_edited": False, "is_anonymous": False}


def param_int(params: dict[str, Any], name: str) -> int:
    """An integer parameter, or Telegram's 400 when it is missing or malformed."""
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, f"Bad Request: {name} is required") from None


class ApiBase:
    """The world the methods change, and the look-ups they all use."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._queries: dict[str, int] = {}  # open callback query id -> chat id
        self._query_ids = itertools.count(5_000_001)

    # --- lookups ------------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any], name: str = "chat_id") -> Chat:
        chat = (
            self.world.chats.get(param_int(params, name))
            if str(params.get(name, "")).lstrip("-").isdigit()
            else None
        )
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _writable(self, params: dict[str, Any]) -> Chat:
        chat = self._chat(params)
        if not chat.bot_is_member:
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _thread(self, chat: Chat, params: dict[str, Any]) -> int | None:
        if params.get("message_thread_id") in (None, ""):
            return None
        thread = param_int(params, "message_thread_id")
        if thread not in chat.topics:
            raise ApiError(400, "Bad Request: message thread not found")
        return thread

    def _admin(self) -> dict[str, Any]:
        return {"status": "administrator", "user": self.world.bot_user, **ADMIN_RIGHTS}

    @staticmethod
    def _scope(params: dict[str, Any]) -> str:
        scope = params.get("scope")
        kind = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return f"{kind}|{params.get('language_code') or ''}"
