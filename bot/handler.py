"""The one generic handler: update -> flow event -> step -> state, tickets and outbox rows.

It runs inside the worker's transaction, so everything it writes commits together or not at all.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.card import ticket_card, visible_length
from bot.crypto import Keys
from bot.outgoing import Outgoing
from bot.settings import Settings
from bot.updates import parse_update, to_event
from flows.catalog import Catalog
from flows.core import Reply, ReportFiled, t
from flows.intake import ForgetMe, IntakeFlow, IntakeState
from flows.intake_state import STORY_LIMIT
from flows.report import Report, SubmitReport
from flows.ticket import REFERENCE_ALPHABET, Ticket
from storage import conversations, tickets
from storage.outbox import NewMessage

log = logging.getLogger(__name__)

CARD_LIMIT = 4000  # Telegram takes 4096; the margin covers counting differences

APOLOGY = t("Sorry, something went wrong on our side and we could not read your last message. "
            "Please send it again, or send /start to continue: your answers so far are kept.\n"
            "If you or someone else is in danger now, call the police at 110.")


def new_reference() -> str:
    """A fresh ticket reference, `TPPO-` and 6 random Crockford base32 characters."""
    return "TPPO-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class Handled:
    """What one update produced: outbox rows and the references of tickets filed."""

    messages: list[NewMessage]
    references: list[str]


class UpdateHandler:
    """Routes one raw update and applies the flow's decision inside the caller's session."""

    def __init__(self, settings: Settings, keys: Keys, flow: IntakeFlow, catalog: Catalog,
                 outgoing: Outgoing) -> None:
        self._settings = settings
        self._keys = keys
        self._flow = flow
        self._catalog = catalog
        self._out = outgoing

    async def handle(self, session: AsyncSession, raw: dict[str, Any], now: datetime) -> Handled:
        """Handle one update; junk and updates meant for nobody produce nothing."""
        update = parse_update(raw)
        chat = update.effective_chat if update is not None else None
        if update is None or chat is None:
            return Handled([], [])
        if chat.type == "private":
            return await self._reporter(session, update, chat.id, now)
        if chat.id != self._settings.STAFF_CHAT_ID:
            # Only the task force's own group may hold the bot: leave anywhere else.
            return Handled([self._out.call(chat.id, "leaveChat", {})], [])
        return Handled([], [])  # staff commands arrive in a later issue

    async def _reporter(self, session: AsyncSession, update: Update, chat_id: int,
                        now: datetime) -> Handled:
        user = update.effective_user
        event = to_event(update, now)
        if user is None or event is None:
            return Handled([], [])
        key = self._keys.identity_key(user.id)
        state = await conversations.load(session, key)
        step = self._flow.step(state, event)
        new_state, replies = step.state, list(step.replies)
        messages: list[NewMessage] = []
        references: list[str] = []
        forget = False
        for effect in step.effects:
            if isinstance(effect, SubmitReport):
                reference, card = await self._file(session, effect.report, now)
                messages.append(card)
                references.append(reference)
                filed = self._flow.step(new_state, ReportFiled(at=now, reference=reference))
                new_state = filed.state
                replies.extend(filed.replies)
            elif isinstance(effect, ForgetMe):
                forget = True
        if forget:
            await conversations.forget(session, key)
        else:
            await conversations.save(session, key, new_state, now)
        return Handled(self._replies(update, chat_id, new_state, replies) + messages, references)

    def _replies(self, update: Update, chat_id: int, state: IntakeState,
                 replies: list[Reply]) -> list[NewMessage]:
        out: list[NewMessage] = []
        query = update.callback_query
        message_id = None
        if query is not None:
            out.append(self._out.answer_callback(chat_id, query.id))
            message_id = query.message.message_id if query.message is not None else None
        out.extend(self._out.reply(chat_id, r, state.locale, message_id) for r in replies)
        return out

    async def _file(self, session: AsyncSession, report: Report,
                    now: datetime) -> tuple[str, NewMessage]:
        ticket = await tickets.create(session, report, new_reference=new_reference, now=now,
                                      ack_due_at=now + self._sla(report))
        log.info("ticket %s filed (urgent=%s, child=%s)", ticket.reference, ticket.urgent,
                 ticket.child)
        staff = self._settings.STAFF_CHAT_ID
        if staff is None:
            raise ValueError("STAFF_CHAT_ID is not set")
        card = self._out.call(staff, "sendMessage", {
            "text": self._card_text(ticket),
            "parse_mode": "HTML", "protect_content": True,  # no forwarding a victim's story
            "link_preview_options": {"is_disabled": True}}, ticket_ref=ticket.reference)
        return ticket.reference, card

    def _card_text(self, ticket: Ticket) -> str:
        """The card as HTML, its story shortened until the whole fits Telegram's 4096."""
        limit = STORY_LIMIT
        while True:
            text = self._out.render(ticket_card(ticket, self._catalog, self._settings.zone,
                                                story_limit=limit),
                                    self._settings.DEFAULT_LOCALE)
            excess = visible_length(text) - CARD_LIMIT
            if excess <= 0 or limit == 0:
                return text
            limit = max(limit - excess - 20, 0)

    def _sla(self, report: Report) -> timedelta:
        if report.urgent:
            return self._settings.SLA_URGENT
        return self._settings.SLA_CHILD if report.child else self._settings.SLA_NORMAL

    def apology(self, chat_id: int, locale: str) -> NewMessage:
        """The kind message sent when an update could not be handled at all."""
        return self._out.reply(chat_id, Reply(APOLOGY), locale)
