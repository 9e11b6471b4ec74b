"""`POST /case/events`: signed status changes from the case system.

The signature is the Standard Webhooks one, checked with the reference library's signing
function against OUR clock (the library's own `verify` reads the system time, which tests and
the demo move). Anything wrong with the request is a 4xx, never a 500: missing or malformed
headers and signatures 401, stale or future timestamps 401, bodies that are not the documented
JSON 400/422, an unknown reference 404; a `webhook-id` seen within 7 days is a 200 no-op.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from bot.casesystem import notices
from bot.casesystem.notices import GroupNotices
from bot.casesystem.sync import CaseEvents
from bot.effects.tickets import TicketAnnouncer, sla_keys
from bot.infra.clock import Clock
from flows.domain.caselink import CASE_STATUSES, apply_case_status
from flows.domain.ticket import REFERENCE_PATTERN, Ticket, TicketStatus
from storage.db import Database
from storage.repos.case import links
from storage.repos.pipeline import outbox, timers
from storage.repos.triage import audit, tickets

log = logging.getLogger(__name__)

TOLERANCE = 300  # seconds a timestamp may be off our clock, either way
MAX_BODY = 64_000
MAX_MESSAGE = 4000
MAX_CASE_ID = 64
_REFERENCE = re.compile(REFERENCE_PATTERN)
CASE_ACTOR = "case_system"

# Relays a message to the reporter of a ticket if they chose follow-up; True when queued.
# The follow-up contact (issue 9) provides the real one; until then nothing can be relayed.
RelayToReporter = Callable[[AsyncSession, Ticket, str, datetime], Awaitable[bool]]
# The ticket was closed there: the kind closing word to an opted-in reporter (and the contact
# deleted), as when staff close it here.
OnClose = Callable[[AsyncSession, datetime, str], Awaitable[list[outbox.NewMessage]]]


async def nothing_on_close(
    _session: AsyncSession, _now: datetime, _reference: str
) -> list[outbox.NewMessage]:
    """No follow-up contacts: closing tells no reporter."""
    return []


async def no_follow_up_contact(
    _session: AsyncSession, _ticket: Ticket, _text: str, _now: datetime
) -> bool:
    """The relay before follow-up contacts exist: nobody can be reached."""
    return False


@dataclass(frozen=True)
class Answer:
    """The HTTP answer: status code and a short detail (never what was sent)."""

    status: int
    detail: str


@dataclass(frozen=True)
class CaseUpdate:
    """A verified, well-formed `case.updated` event."""

    webhook_id: str
    reference: str
    status: str
    case_id: str | None
    message: str | None


def _unicode(text: str) -> bool:
    """False for a string with a lone surrogate: JSON's "\\ud800" escape decodes to one, and
    neither the database nor Telegram takes it (it was a 503, sent again forever)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse(body: str) -> CaseUpdate | Answer:
    """The event in `body`, or why it is malformed (the webhook id is filled in later)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return Answer(400, "the body is not JSON")
    if not isinstance(data, dict) or data.get("type") != "case.updated":
        return Answer(422, 'type must be "case.updated"')
    inner = data.get("data")
    if not isinstance(inner, dict):
        return Answer(422, "data must be an object")
    reference, status = inner.get("reference"), inner.get("status")
    case_id, message = inner.get("case_id"), inner.get("message")
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        return Answer(422, "data.reference must be a ticket reference TPPO-XXXXXX")
    if status not in CASE_STATUSES:
        return Answer(422, "data.status must be acknowledged, referred or closed")
    if case_id is not None and (
        not isinstance(case_id, str) or not 0 < len(case_id) <= 64 or not _unicode(case_id)
    ):
        return Answer(422, "data.case_id must be a string of 1-64 characters")
    if message is not None and (
        not isinstance(message, str) or len(message) > MAX_MESSAGE or not _unicode(message)
    ):
        return Answer(422, f"data.message must be a string of at most {MAX_MESSAGE} characters")
    return CaseUpdate("", reference, str(status), case_id, message or None)


class CaseInbound:
    """Verifies and applies inbound case-system events."""

    def __init__(
        self,
        db: Database,
        secret: str,
        *,
        clock: Clock,
        events: CaseEvents,
        announcer: TicketAnnouncer,
        group: GroupNotices,
        relay: RelayToReporter = no_follow_up_contact,
        on_close: OnClose = nothing_on_close,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._db = db
        self._webhook = Webhook(secret)
        self._clock = clock
        self._events = events
        self._announcer = announcer
        self._group = group
        self._relay = relay
        self._on_close = on_close
        self._on_commit = on_commit

    def verify(self, body: bytes, headers: Mapping[str, str]) -> str | Answer:
        """The webhook id of a correctly signed, fresh request; or the 4xx to answer."""
        try:
            webhook_id = headers.get("webhook-id") or ""
            stamp = headers.get("webhook-timestamp") or ""
            signatures = headers.get("webhook-signature") or ""
            if not (webhook_id and stamp and signatures):
                return Answer(401, "missing webhook-id, webhook-timestamp or webhook-signature")
            if len(webhook_id) > 128 or not stamp.isascii() or not stamp.isdigit():
                return Answer(401, "malformed webhook headers")
            at = int(stamp)
            if abs(at - self._clock.now().timestamp()) > TOLERANCE:
                return Answer(401, "timestamp outside the tolerance of 5 minutes")
            text = body.decode("utf-8")
            expected = self._webhook.sign(webhook_id, datetime.fromtimestamp(at, UTC), text)
            wanted = expected.split(",", 1)[1].encode()
            for signature in signatures.split(" "):
                version, _, value = signature.partition(",")
                if version == "v1" and hmac.compare_digest(value.encode(), wanted):
                    return webhook_id
            return Answer(401, "no valid signature")
        except Exception:  # odd bytes anywhere: a bad request, never a 500
            return Answer(401, "malformed webhook headers or body")

    async def handle(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        """Verify, parse and apply one request."""
        verified = self.verify(body, headers)
        if isinstance(verified, Answer):
            return verified
        parsed = parse(body.decode("utf-8"))
        if isinstance(parsed, Answer):
            return parsed
        answer = await self.apply(CaseUpdate(verified, *_fields(parsed)))
        self._on_commit()
        return answer

    async def apply(self, update: CaseUpdate) -> Answer:
        """Apply a verified event in one transaction (a repeat changes nothing)."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            ticket = await tickets.get(session, update.reference, for_update=True)
            if ticket is None:
                return Answer(404, "no ticket with that reference")
            await links.forget_inbound(session, now)  # ids older than the replay window
            if not await links.first_sight(session, update.webhook_id, now):
                return Answer(200, "already received")
            changed = apply_case_status(ticket, update.status, now)
            messages = []
            if changed != ticket:
                await tickets.save_triage(session, changed)
                if ticket.acknowledged_at is None:
                    await timers.cancel(session, sla_keys(ticket.reference))
                messages += await self._announcer.edit_card(session, now, changed)
            await audit.record(
                session,
                now,
                CASE_ACTOR,
                "case_status",
                ticket_ref=ticket.reference,
                data={"status": update.status, "case_id": update.case_id},
            )
            await links.from_case(session, ticket.reference, update.status, update.case_id, now)
            await self._events.absorb(session, ticket.reference)
            text = notices.status_from_case(ticket.reference, update.status, update.case_id)
            messages.append(self._group.message(text, ticket.reference))
            if update.message:
                messages.append(await self._relay_message(session, changed, update.message, now))
            if changed.status is TicketStatus.CLOSED and ticket.status is not TicketStatus.CLOSED:
                messages += await self._on_close(session, now, ticket.reference)
            await outbox.add(session, messages, now)
        log.info("ticket %s: the case system set %s", update.reference, update.status)
        return Answer(200, "applied")

    async def _relay_message(
        self, session: AsyncSession, ticket: Ticket, text: str, now: datetime
    ) -> outbox.NewMessage:
        relayed = await self._relay(session, ticket, text, now)
        await audit.record(
            session,
            now,
            CASE_ACTOR,
            "case_message",
            ticket_ref=ticket.reference,
            data={"relayed": relayed, **({} if relayed else {"reason": "no_follow_up"})},
        )
        if relayed:
            return self._group.message(notices.relayed(ticket.reference), ticket.reference)
        return self._group.message(notices.not_relayed(ticket.reference), ticket.reference)


def _fields(update: CaseUpdate) -> tuple[str, str, str | None, str | None]:
    return update.reference, update.status, update.case_id, update.message
