"""Handlers of the follow-up: receipts (made, hashed, checked within wrong-guess limits), the
opt-in contact, the reporter's additions, and messages from the task force to the reporter.

Receipts are checked without scanning every hash: the first `receipt.LOOKUP` characters (20
bits) are stored in clear as an index, and Argon2id runs only on the few rows sharing them.
That index does not weaken the receipt: the other 80 random bits are the secret, and each
guess at them costs an Argon2id verification and counts against the limits below.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casesystem.sync import CaseEvents
from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.effects.tickets import TicketAnnouncer, card_track, topic_track
from bot.infra.crypto import CryptoError, Keys
from bot.telegram.group import StaffGroup
from bot.telegram.outgoing import Outgoing
from flows.core import Button, Join, Raw, Text, t
from flows.domain import receipt as rc
from flows.domain.report import MAX_ATTACHMENTS
from flows.domain.ticket import Ticket, TicketStatus
from flows.intake import callbacks as cb
from flows.intake.followup import text as fu
from flows.intake.followup.effects import (
    AddFromReporter,
    CheckReceipt,
    ReporterAdded,
    StatusChecked,
)
from flows.triage.effects import RelayToReporter
from flows.triage.events import Answered, NotFound, Relayed
from storage.repos.followup import contacts, messages, misses, receipts
from storage.repos.pipeline import outbox
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.triage import audit, tickets

log = logging.getLogger(__name__)

# Argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): about 20 ms a hash, fast enough for
# tests and a small server, and each guess still costs that much memory and time. Constants,
# not settings: changing them only affects new receipts (each hash names its parameters).
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Wrong receipts: at most 5 per chat and 50 in all in any 15 minutes; past that nothing is
# checked (kept in the database, so every process counts the same guesses).
MISS_WINDOW = timedelta(minutes=15)
MISSES_PER_CHAT = 5
MISSES_OVERALL = 50
MESSAGES_SHOWN = 3  # the task force's latest messages shown with a status


def new_receipt() -> str:
    """A fresh receipt: 20 random Crockford base32 characters (100 bits)."""
    return "".join(secrets.choice(rc.ALPHABET) for _ in range(rc.LENGTH))


def seal_text(keys: Keys, text: str) -> bytes:
    """Encrypt a text (or chat id) kept at rest: the one place this module seals."""
    return keys.seal(text.encode())


def open_text(keys: Keys, sealed: bytes) -> str:
    """What `seal_text` sealed."""
    return keys.open(sealed).decode()


def _verify(hashed: str, receipt: str) -> bool:
    try:
        return HASHER.verify(hashed, receipt)
    except (VerificationError, InvalidHashError):
        return False


class Followup:
    """Receipts, contacts and messages between the task force and reporters."""

    def __init__(
        self,
        keys: Keys,
        outgoing: Outgoing,
        announcer: TicketAnnouncer,
        group: StaffGroup,
        staff_locale: str,
        case_events: CaseEvents | None = None,
    ) -> None:
        self._keys = keys
        self._out = outgoing
        self._announcer = announcer
        self._group = group
        self._locale = staff_locale
        self._case = case_events  # messages both ways also go to the case system, if linked

    def register(self, registry: EffectRegistry) -> None:
        """Register the follow-up's effect handlers."""
        registry.register(CheckReceipt, self.check)
        registry.register(AddFromReporter, self.add)
        registry.register(RelayToReporter, self.relay)

    # --- at filing -------------------------------------------------------------------------

    async def issue(
        self, session: AsyncSession, now: datetime, reference: str, chat_id: int | None, locale: str
    ) -> str | None:
        """Give a ticket its receipt (shown once; None if it has one) and, with `chat_id`, its
        follow-up contact."""
        if chat_id is not None:
            sealed = seal_text(self._keys, str(chat_id))
            await contacts.add(session, reference, sealed, locale, now)
            await messages.audit(session, reference, now, "followup_chosen", "reporter", {})
        if await receipts.exists(session, reference):
            return None
        receipt = new_receipt()
        hashed = await asyncio.to_thread(HASHER.hash, receipt)  # slow on purpose: off the loop
        await receipts.add(session, reference, rc.lookup(receipt), hashed, now)
        return rc.display(receipt)

    # --- /status ---------------------------------------------------------------------------

    async def check(self, ctx: EffectContext, effect: CheckReceipt) -> EffectResult:
        """Find the ticket of a receipt, unless this chat (or everyone) guessed wrong too often."""
        s, since = ctx.session, ctx.now - MISS_WINDOW
        # Guesses are kept only while they count: every check clears the older ones.
        await misses.forget(s, since)
        if (
            await misses.count(s, since, ctx.key) >= MISSES_PER_CHAT
            or await misses.count(s, since) >= MISSES_OVERALL
        ):
            log.warning("receipt check refused: too many wrong guesses")
            return EffectResult(events=[StatusChecked(at=ctx.now, throttled=True)])
        found = None
        for reference, hashed in await receipts.candidates(s, rc.lookup(effect.receipt)):
            if await asyncio.to_thread(_verify, hashed, effect.receipt):
                found = reference
                break
        ticket = await tickets.get(s, found) if found else None
        if ticket is None:
            await misses.add(s, ctx.key, ctx.now)
            return EffectResult(events=[StatusChecked(at=ctx.now)])
        said = await messages.latest(s, ticket.reference, messages.TO_REPORTER, MESSAGES_SHOWN)
        shown = tuple(open_text(self._keys, sealed) for _at, sealed in said)
        await messages.audit(s, ticket.reference, ctx.now, "status_checked", "reporter", {})
        checked = StatusChecked(
            at=ctx.now, reference=ticket.reference, status=ticket.status, messages=shown
        )
        return EffectResult(events=[checked], references=[ticket.reference])

    # --- the reporter adds -----------------------------------------------------------------

    async def _is_contact(self, session: AsyncSession, reference: str, chat_id: int) -> bool:
        contact = await contacts.get(session, reference)
        return contact is not None and self._chat(contact.sealed_chat) == chat_id

    def _chat(self, sealed: bytes) -> int | None:
        try:
            return int(open_text(self._keys, sealed))
        except (CryptoError, ValueError):
            return None

    async def add(self, ctx: EffectContext, effect: AddFromReporter) -> EffectResult:
        """Attach the reporter's message to the ticket and post it, escaped, to its thread."""
        s, ref = ctx.session, effect.reference
        refused = EffectResult(events=[ReporterAdded(at=ctx.now, added=False)])
        if effect.by_contact and not await self._is_contact(s, ref, ctx.inbound.chat_id):
            log.warning("a reply to %s from a chat that is not its contact: refused", ref)
            return refused
        ticket = await tickets.get(s, ref, for_update=True)
        if ticket is None or ticket.status is TicketStatus.CLOSED:
            return refused
        result = EffectResult(events=[ReporterAdded(at=ctx.now, added=True)], references=[ref])
        lines: list[Text] = [t("💬 <b>The reporter of {reference} writes:</b>", reference=ref)]
        if effect.text:
            await messages.add(
                s, ref, messages.FROM_REPORTER, seal_text(self._keys, effect.text), ctx.now
            )
            await self._to_case(s, ref, "from_reporter", effect.text, ctx.now)
            lines.append(Raw(effect.text))
        kept = effect.attachment
        if kept is not None and len(ticket.report.attachments) < MAX_ATTACHMENTS:
            report = replace(ticket.report, attachments=(*ticket.report.attachments, kept))
            updated = await tickets.update_report(s, ref, report, ctx.now)
            if updated is not None:
                result.messages += (await self._announcer.changed(ctx, updated)).messages
            lines.append(t("📎 Added to the ticket: one attachment, sent below the card."))
        kind = "reply_from_reporter" if effect.by_contact else "added_by_reporter"
        data = {"text": bool(effect.text), "attachment": kept.kind if kept else None}
        await messages.audit(s, ref, ctx.now, kind, "reporter", data)
        result.messages.append(self._to_thread(ref, Join(tuple(lines))))
        log.info("ticket %s: %s", ref, kind)
        return result

    def _to_thread(self, reference: str, text: Text) -> NewMessage:
        """A message next to the ticket's card: in its topic, or as a reply to the card."""
        params: dict[str, Any] = {
            "text": self._out.render(text, self._locale),
            "parse_mode": "HTML",
            "protect_content": True,
            "link_preview_options": {"is_disabled": True},
        }
        if self._group.is_forum:
            fill = {"message_thread_id": topic_track(reference)}
        else:
            params["allow_sending_without_reply"] = True
            fill = {"reply_to_message_id": card_track(reference)}
        return self._out.call(
            self._group.chat_id,
            "sendMessage",
            params,
            ticket_ref=reference,
            fill=fill,
            priority=True,
        )

    # --- the task force writes -------------------------------------------------------------

    def _to_reporter(self, chat_id: int, text: Text, locale: str, reply: str | None) -> NewMessage:
        """A message to a reporter's chat (no ticket reference on the row: it names the chat)."""
        params: dict[str, Any] = {
            "text": self._out.render(text, locale),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        if reply is not None:
            button = Button(fu.REPLY_BUTTON, cb.encode(cb.REPLY, reply[5:].lower()))
            params["reply_markup"] = self._out.markup(((button,),), locale)
        return self._out.call(chat_id, "sendMessage", params)

    async def relay(self, ctx: EffectContext, effect: RelayToReporter) -> EffectResult:
        """Send a staff message to the reporter as "Tim Gugus Tugas", if they chose follow-up."""
        s, ref, who = ctx.session, effect.reference, effect.who

        def answer(outcome: str) -> EffectResult:
            event = Answered(at=ctx.now, who=who, result=Relayed(ref, outcome))
            return EffectResult(events=[event], references=[ref])

        ticket = await tickets.get(s, ref)
        if ticket is None:
            return EffectResult(events=[Answered(at=ctx.now, who=who, result=NotFound(ref))])
        if ticket.status is TicketStatus.CLOSED:
            return answer("closed")
        contact = await contacts.get(s, ref)
        chat = self._chat(contact.sealed_chat) if contact is not None else None
        if contact is None or chat is None:
            return answer("no_contact")
        await messages.add(
            s, ref, messages.TO_REPORTER, seal_text(self._keys, effect.text), ctx.now
        )
        await self._to_case(s, ref, "to_reporter", effect.text, ctx.now)
        actor = str(who.actor.user_id)
        await messages.audit(s, ref, ctx.now, "reply_to_reporter", actor, {})
        await audit.record(s, ctx.now, who.actor, "reply", ticket_ref=ref)
        result = answer("sent")
        result.messages.append(
            self._to_reporter(chat, fu.relayed(effect.text), contact.locale, ref)
        )
        log.info("ticket %s: message relayed to its reporter", ref)
        return result

    async def from_case(
        self, session: AsyncSession, ticket: Ticket, text: str, now: datetime
    ) -> bool:
        """Relay the case system's message to an opted-in reporter; True when it was queued."""
        ref = ticket.reference
        contact = await contacts.get(session, ref)
        chat = self._chat(contact.sealed_chat) if contact is not None else None
        if contact is None or chat is None:
            return False
        await messages.add(session, ref, messages.TO_REPORTER, seal_text(self._keys, text), now)
        await messages.audit(session, ref, now, "reply_to_reporter", "case_system", {})
        message = self._to_reporter(chat, fu.relayed(text), contact.locale, ref)
        await outbox.add(session, [message], now)
        log.info("ticket %s: the case system's message relayed to its reporter", ref)
        return True

    async def _to_case(
        self, session: AsyncSession, reference: str, direction: str, text: str, now: datetime
    ) -> None:
        if self._case is not None:
            await self._case.reporter_message(session, reference, direction, text, now)

    # --- closing and forgetting ------------------------------------------------------------

    async def closed(
        self, session: AsyncSession, now: datetime, reference: str
    ) -> list[NewMessage]:
        """The ticket closed: a kind word to an opted-in reporter, then the contact is deleted."""
        contact = await contacts.get(session, reference)
        if contact is None:
            return []
        await contacts.drop(session, [reference])
        await messages.audit(session, reference, now, "contact_deleted", "system", {})
        chat = self._chat(contact.sealed_chat)
        if chat is None:
            return []
        return [self._to_reporter(chat, fu.closed_notice(reference), contact.locale, None)]

    async def forget(self, session: AsyncSession, now: datetime, chat_id: int) -> int:
        """/hapus: delete every follow-up contact this chat holds.

        There is no index from a chat to its contacts (a database dump must not link a
        reporter's tickets to each other or to their chat): the sealed chat ids of the open
        tickets are opened and compared, which is quick for the few that chose follow-up.
        """
        mine = [
            c.ticket_ref
            for c in await contacts.every(session)
            if self._chat(c.sealed_chat) == chat_id
        ]
        await contacts.drop(session, mine)
        for reference in mine:
            await messages.audit(session, reference, now, "contact_deleted", "reporter", {})
        return len(mine)
