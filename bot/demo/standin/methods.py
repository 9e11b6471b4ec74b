"""The Bot API methods, answered generically: any send* makes a message, any edit* changes one,
any delete* removes one; the rest return what Telegram would, closely enough for the bot.

Method names are case-insensitive, as in Telegram. A method the stand-in does not know yet still
succeeds (`true`) and shows on the page as a call in its chat, so new features are visible before
anyone teaches the demo about them.
"""

from __future__ import annotations

from typing import Any

from bot.demo.standin.base import Handler, Uploads, param_int
from bot.demo.standin.chats import ChatMethods
from bot.demo.standin.messages import MessageMethods
from bot.demo.standin.world import World

__all__ = ["BotApi", "Uploads"]


class BotApi(MessageMethods, ChatMethods):
    """The stand-in Bot API over a `World`."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self._exact: dict[str, Handler] = {
            "getme": lambda p, u: (
                self.world.bot_user
                | {
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            ),
            "logout": lambda p, u: True,
            "close": lambda p, u: True,
            "setwebhook": lambda p, u: True,
            "deletewebhook": lambda p, u: True,
            "getwebhookinfo": lambda p, u: {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": 0,
            },
            "setmycommands": self._set_commands,
            "deletemycommands": self._delete_commands,
            "getmycommands": lambda p, u: self.world.commands.get(self._scope(p), []),
            "getchat": self._get_chat,
            "getchatmember": self._get_member,
            "getchatadministrators": lambda p, u: [self._admin()],
            "getchatmembercount": lambda p, u: len(self._chat(p).members) + 1,
            "getfile": self._get_file,
            "getuserprofilephotos": lambda p, u: {"total_count": 0, "photos": []},
            "sendchataction": self._chat_action,
            "sendmediagroup": self._send_group,
            "copymessage": lambda p, u: self._copy(p, [param_int(p, "message_id")], False)[0],
            "copymessages": lambda p, u: self._copy(p, list(p.get("message_ids") or []), False),
            "forwardmessage": lambda p, u: self._forward(p),
            "forwardmessages": lambda p, u: self._copy(p, list(p.get("message_ids") or []), True),
            "deletemessage": lambda p, u: self._delete(
                p, [param_int(p, "message_id")], strict=True
            ),
            "deletemessages": lambda p, u: self._delete(
                p, list(p.get("message_ids") or []), strict=False
            ),
            "answercallbackquery": self._answer_query,
            "leavechat": self._leave,
            "createforumtopic": self._create_topic,
            "editforumtopic": self._edit_topic,
            "closeforumtopic": lambda p, u: self._topic_state(p, "forum_topic_closed", True),
            "reopenforumtopic": lambda p, u: self._topic_state(p, "forum_topic_reopened", False),
            "deleteforumtopic": self._delete_topic,
            "pinchatmessage": self._pin,
            "unpinchatmessage": lambda p, u: self._unpin(p, False),
            "unpinallchatmessages": lambda p, u: self._unpin(p, True),
            "setmessagereaction": self._react,
        }

    # --- entry point --------------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any], uploads: Uploads) -> Any:
        """Answer one call (getUpdates is answered by the HTTP layer, which may wait)."""
        name = method.lower()
        if name in self._exact:
            return self._exact[name](params, uploads)
        if name.startswith("send"):
            return self._send(method, params, uploads)
        if name.startswith("edit") and "message" in name:
            return self._edit(name, params, uploads)
        return self._other(method, params)
