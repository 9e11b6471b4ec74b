"""Telling the task force about tickets: routing to the person on duty, the card (in its own
forum topic where the group has topics), card edits, calls to the group, and flood digests.

Every flow that files or changes a ticket goes through `TicketAnnouncer`, so these live in one
place. All of it is queued in the caller's transaction (outbox rows and timers).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effects.evidence import EvidenceQueue
from bot.effects.registry import EffectContext, EffectResult
from bot.effects.tickets.keys import (
    CARD_BUDGET,
    DM_FAILED,
    DM_LINK_TIMER,
    WINDOW,
    card_track,
    digest_timer,
    dm_track,
    sla_timer,
    topic_track,
)
from bot.infra.settings import Settings
from bot.telegram.cards import card_html
from bot.telegram.group import StaffGroup
from bot.telegram.outgoing import Outgoing
from flows.core import Text
from flows.domain.card import Staffing
from flows.domain.catalog import Catalog
from flows.domain.duty.routing import route
from flows.domain.duty.sla import Step
from flows.domain.ticket import Ticket
from flows.triage.render import notices
from flows.triage.render.keyboards import card_keyboard, private_keyboard
from flows.triage.render.views import flags
from storage.repos.pipeline import outbox
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.pipeline.timers import NewTimer
from storage.repos.triage import audit, digest, referrals, roster, staff, tickets

log = logging.getLogger(__name__)

_TOPIC_COLOURS = {"urgent": 16478047, "child": 16766590, "other": 7322096}


def _link_path(markup: dict[str, Any] | None) -> str | None:
    """The dotted path of the button whose URL waits for the card's id, if any."""
    for r, row in enumerate((markup or {}).get("inline_keyboard", [])):
        for b, button in enumerate(row):
            if "{id}" in str(button.get("url", "")):
                return f"reply_markup.inline_keyboard.{r}.{b}.url"
    return None


class TicketAnnouncer:
    """Queues the task force's messages about tickets in the caller's transaction."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        outgoing: Outgoing,
        group: StaffGroup | None = None,
    ) -> None:
        if settings.STAFF_CHAT_ID is None:
            raise ValueError("STAFF_CHAT_ID is not set")
        self._settings = settings
        self._group = group or StaffGroup(settings.STAFF_CHAT_ID)
        self._catalog = catalog
        self._out = outgoing
        self._locale = settings.DEFAULT_LOCALE
        self._zone = settings.zone
        self._evidence = EvidenceQueue(outgoing, self._group, self._locale)

    def _call(
        self, chat_id: int, method: str, params: dict[str, Any], **options: Any
    ) -> NewMessage:
        """A call for the task force: it goes before reporters' replies when many wait."""
        return self._out.call(chat_id, method, params, priority=True, **options)

    # --- what flows' effect handlers call ------------------------------------------------

    async def filed(self, ctx: EffectContext, ticket: Ticket) -> EffectResult:
        """A new ticket: route it, post its card (or a digest line), start its SLA clock."""
        return await self.announce(ctx.session, ctx.now, ticket)

    async def changed(self, ctx: EffectContext, ticket: Ticket) -> EffectResult:
        """The ticket changed: edit its card in place (sent anew if the card is gone), and pass
        on any evidence the reporter added."""
        messages = await self.edit_card(ctx.session, ctx.now, ticket)
        if not ticket.routing.digest:
            messages += await self.evidence(ctx.session, ticket, ctx.now)
        return EffectResult(messages=messages, references=[ticket.reference])

    async def evidence(
        self, session: AsyncSession, ticket: Ticket, now: datetime
    ) -> list[NewMessage]:
        """The ticket's attachments not passed on yet, each after its card."""
        ref = ticket.reference
        return await self._evidence.rows(
            session, ticket, now, card=card_track(ref), topic=topic_track(ref)
        )

    # --- the pieces, for effect and timer handlers ---------------------------------------

    async def announce(self, session: AsyncSession, now: datetime, ticket: Ticket) -> EffectResult:
        """Route a new ticket to the person on duty (or the coordinators) and tell the group."""
        coordinators = await staff.coordinators(session)
        routing = route(await roster.duty(session, now, self._zone), coordinators)
        flooded = await self.flooded(session, now)
        ticket = replace(ticket, routing=replace(routing, digest=flooded))
        await tickets.save_triage(session, ticket)
        result = EffectResult(
            references=[ticket.reference], timers=[sla_timer(ticket, Step.REMIND)]
        )
        if flooded:
            await digest.add(session, ticket.reference, digest.NEW, now)
            result.timers.append(digest_timer(now))
        else:
            result.messages += await self.post_card(session, ticket, now)
        recipients = routing.waiting_on(coordinators)
        # In a flood the person on duty still gets every urgent one at once; the rest wait
        # for the digest and the SLA reminder.
        if not flooded or ticket.urgent or ticket.child:
            text = notices.new_for_you(ticket, self._catalog, self._zone, routing.nobody_on_duty)
            # Sent with the card, before its id is known: the link is added a moment later.
            result.messages += self.to_staff(recipients, ticket, text, link=False)
            if not flooded and recipients and self._group.link:
                result.timers.append(self.link_timer(ticket.reference, recipients, now, 1))
        await audit.record(
            session,
            now,
            audit.SYSTEM,
            "routed",
            ticket_ref=ticket.reference,
            data={
                "to": list(recipients),
                "primary": routing.primary,
                "backup": routing.backup,
                "digest": flooded,
            },
        )
        log.info(
            "ticket %s routed to %d staff%s",
            ticket.reference,
            len(recipients),
            " (flood digest)" if flooded else "",
        )
        return result

    async def staffing(self, session: AsyncSession, ticket: Ticket) -> Staffing:
        """Names and referrals the card shows."""
        routing = ticket.routing
        ids = {
            ticket.assignee,
            routing.primary,
            routing.backup,
            *routing.coordinators,
            *routing.unreachable,
        }
        return Staffing(
            await staff.names(session, [i for i in ids if i is not None]),
            await referrals.of(session, ticket.reference),
        )

    def _card(self, ticket: Ticket, staffing: Staffing) -> dict[str, Any]:
        text = card_html(ticket, self._catalog, self._zone, self._out, self._locale, staffing)
        return {
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
            "reply_markup": self._out.markup(card_keyboard(ticket), self._locale),
        }

    async def post_card(
        self, session: AsyncSession, ticket: Ticket, now: datetime | None = None
    ) -> list[NewMessage]:
        """The ticket's card in the group, in a topic of its own where the group has topics,
        followed by its evidence.

        The card is kept under `card_track`; later changes edit it. The topic is not essential:
        if it cannot be made (no right to manage topics) the card goes to the general chat.
        """
        ref, group = ticket.reference, self._group.chat_id
        card = self._card(ticket, await self.staffing(session, ticket))
        card["protect_content"] = True  # no forwarding a victim's story out of the group
        rows = []
        fill = None
        if self._group.is_forum:
            kind = "urgent" if ticket.urgent else "child" if ticket.child else "other"
            name = f"{flags(ticket)} {ref}".strip()
            rows.append(
                self._call(
                    group,
                    "createForumTopic",
                    {"name": name, "icon_color": _TOPIC_COLOURS[kind]},
                    track=topic_track(ref),
                )
            )
            fill = {"message_thread_id": topic_track(ref)}
        rows.append(
            self._call(group, "sendMessage", card, ticket_ref=ref, track=card_track(ref), fill=fill)
        )
        return rows + await self.evidence(session, ticket, now or ticket.created_at)

    async def edit_card(
        self, session: AsyncSession, now: datetime, ticket: Ticket
    ) -> list[NewMessage]:
        """Edit the card in place; older edits not sent yet are dropped (this one has it all).

        A ticket the flood digest listed has no card: nothing to edit until one is posted.
        """
        if ticket.routing.digest:
            return []
        await outbox.drop_pending(
            session, ticket_ref=ticket.reference, method="editMessageText", now=now
        )
        card = self._card(ticket, await self.staffing(session, ticket))
        return [
            self._call(
                self._group.chat_id,
                "editMessageText",
                card,
                ticket_ref=ticket.reference,
                fill={"message_id": card_track(ticket.reference)},
            )
        ]

    def link_timer(
        self, reference: str, user_ids: Iterable[int], now: datetime, attempt: int
    ) -> NewTimer:
        """Look for the card a second from now, to link the first private messages to it."""
        return NewTimer(
            DM_LINK_TIMER,
            f"{DM_LINK_TIMER}:{reference}:{attempt}",
            now + timedelta(seconds=1),
            reference,
            {"to": list(user_ids), "attempt": attempt},
        )

    def link_private_messages(
        self, ticket: Ticket, card_id: int, messages: dict[int, int]
    ) -> list[NewMessage]:
        """Edit private messages (user id -> message id) to carry the link to the card."""
        keyboard = private_keyboard(ticket, self._group.link)
        markup = self._out.markup(keyboard, self._locale) or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if "url" in button:
                    button["url"] = button["url"].replace("{id}", str(card_id))
        return [
            self._call(
                uid,
                "editMessageReplyMarkup",
                {"message_id": message_id, "reply_markup": markup},
                ticket_ref=ticket.reference,
            )
            for uid, message_id in messages.items()
        ]

    def to_staff(
        self, user_ids: Iterable[int], ticket: Ticket, text: Text, link: bool = True
    ) -> list[NewMessage]:
        """A private message about `ticket` to each of `user_ids`, with its buttons (and a
        link to the card in the group, filled in when it is sent).

        If one fails for good (they never started the bot, or blocked it) a `dm_failed` timer
        hands the ticket on (bot/effects/sla.py).
        """
        keyboard = private_keyboard(ticket, self._group.link if link else None)
        markup = self._out.markup(keyboard, self._locale)
        path = _link_path(markup)
        params = {
            "text": self._out.render(text, self._locale),
            "parse_mode": "HTML",
            "protect_content": True,
            "link_preview_options": {"is_disabled": True},
            "reply_markup": markup,
        }
        return [
            self._call(
                uid,
                "sendMessage",
                params,
                ticket_ref=ticket.reference,
                track=dm_track(ticket.reference, uid),
                on_fail=DM_FAILED,
                fill={path: card_track(ticket.reference)} if path else None,
            )
            for uid in dict.fromkeys(user_ids)
        ]

    async def to_group(
        self, session: AsyncSession, now: datetime, ticket: Ticket, text: Text
    ) -> EffectResult:
        """A call to everyone in the group about `ticket`, next to its card (in its topic, or
        as a reply to it); in a flood, a line of the next digest instead."""
        if await self.flooded(session, now):
            await digest.add(session, ticket.reference, digest.OVERDUE, now)
            return EffectResult(timers=[digest_timer(now)], references=[ticket.reference])
        params: dict[str, Any] = {
            "text": self._out.render(text, self._locale),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        if self._group.is_forum:
            fill = {"message_thread_id": topic_track(ticket.reference)}
        else:  # a reply to the card; if the card is gone, a plain message
            params["allow_sending_without_reply"] = True
            fill = {"reply_to_message_id": card_track(ticket.reference)}
        return EffectResult(
            messages=[
                self._call(
                    self._group.chat_id,
                    "sendMessage",
                    params,
                    ticket_ref=ticket.reference,
                    fill=fill,
                )
            ],
            references=[ticket.reference],
        )

    async def flooded(self, session: AsyncSession, now: datetime) -> bool:
        """The group has had (or still waits for) its share of messages this minute."""
        return await outbox.group_load(session, now - WINDOW) >= CARD_BUDGET

    def group_message(
        self, text: Text, keyboard: dict[str, Any] | None, ticket_ref: str
    ) -> NewMessage:
        """A plain message to the group (a digest), essential like the cards it stands for."""
        params: dict[str, Any] = {
            "text": self._out.render(text, self._locale),
            "parse_mode": "HTML",
            "protect_content": True,
            "link_preview_options": {"is_disabled": True},
        }
        if keyboard:
            params["reply_markup"] = keyboard
        return self._call(self._group.chat_id, "sendMessage", params, ticket_ref=ticket_ref)
