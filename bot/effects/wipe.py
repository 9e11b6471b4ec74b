"""/hapus and "Delete this chat": delete the chat's messages Telegram still lets the bot delete.

The ids come from storage.repos.pipeline.chatlog (kept 48 hours, the reporter's and the bot's);
they go in calls of `deleteMessages` of at most 100 ids each, queued in the chat's order after
the answer. If Telegram refuses one, the transport sends the reporter an honest note instead
(bot/telegram/delivery/transport.py, `IF_REFUSED`).
"""

from __future__ import annotations

from bot.effects.registry import EffectContext
from bot.telegram.delivery.transport import IF_REFUSED
from bot.telegram.outgoing import Outgoing
from flows.intake import text as txt
from storage.repos.pipeline import chatlog
from storage.repos.pipeline.outbox import NewMessage

DELETE_LIMIT = 100  # ids in one deleteMessages call


class ChatWipe:
    """Queues the deletion of a private chat's recent messages."""

    def __init__(self, outgoing: Outgoing) -> None:
        self._out = outgoing

    async def messages(self, ctx: EffectContext) -> list[NewMessage]:
        """deleteMessages calls for every message of this chat that may still be deleted; the
        ids are forgotten at once (they are in the sealed calls until sent)."""
        ids = await chatlog.deletable(ctx.session, ctx.key, ctx.now)
        pressed = ctx.inbound.message_id  # the message whose button asked for this
        if pressed is not None and pressed not in ids:
            # Its id may not be recorded yet when the press follows it within milliseconds.
            ids = sorted({*ids, pressed})
        await chatlog.forget(ctx.session, ctx.key)
        refused = self._out.render(txt.DELETE_REFUSED, ctx.locale)
        return [
            self._out.call(
                ctx.inbound.chat_id,
                "deleteMessages",
                {"message_ids": ids[i : i + DELETE_LIMIT], IF_REFUSED: refused},
            )
            for i in range(0, len(ids), DELETE_LIMIT)
        ]
