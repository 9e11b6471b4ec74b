"""The case dispatcher: signs and POSTs queued events to CASE_WEBHOOK_URL, at least once.

Standard Webhooks signing (`webhook-id` stable across retries, `webhook-timestamp` of each
attempt, `webhook-signature` v1). Network errors, timeouts, 429 (after its Retry-After) and 5xx
are retried on `SCHEDULE` with ±10 % jitter, then the event fails and the group is told; other
4xx fail at once; 410 disables the endpoint until an operator enables it again. Per-ticket
order and exclusive leases come from the claim (storage/repos/case/events.py).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from bot.casesystem import notices
from bot.casesystem.notices import GroupNotices
from bot.infra.clock import Clock
from bot.infra.crypto import Keys
from bot.runtime.aio import Wakeable
from storage.db import Database
from storage.owner import Owner
from storage.repos.case import events, links
from storage.repos.case.events import DueEvent
from storage.repos.pipeline import outbox

log = logging.getLogger(__name__)

SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER = 0.10
TIMEOUT = 15.0  # seconds for one attempt, connection included
IDLE = 1.0  # seconds between looks when nothing is due (woken by commits and the clock)
DISABLED_IDLE = 5.0


def retry_delay(attempts: int, rng: Callable[[], float] = random.random) -> timedelta | None:
    """The wait after failed try number `attempts` (1-based), ±10 %; None: give up."""
    if attempts > len(SCHEDULE):
        return None
    return SCHEDULE[attempts - 1] * (1 + JITTER * (2 * rng() - 1))


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds or an HTTP date) as a wait; None when absent or bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=min(int(text), 86_400))
    try:
        at = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return max(at - now, timedelta(0))


class CaseDispatcher(Wakeable):
    """Delivers case events until stopped; `wake()` after queueing one."""

    def __init__(
        self,
        db: Database,
        keys: Keys,
        *,
        url: str,
        secret: str,
        group: GroupNotices,
        clock: Clock | None = None,
        owner: Owner | None = None,
        timeout: float = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: Callable[[], float] = random.random,
        on_commit: Callable[[], None] = lambda: None,
        batch: int = 8,
    ) -> None:
        self._db = db
        self._keys = keys
        self._url = url
        self._signer = Webhook(secret)
        self._group = group
        self._clock = clock or Clock()
        self._owner = owner or db.owner
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False
        )
        self._rng = rng
        self._timeout = timeout
        self._on_commit = on_commit
        self._batch = batch
        super().__init__()
        self._clock.on_change(self.wake)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set."""
        try:
            await self.loop(stop, self._turn, log)
        finally:
            await self._client.aclose()

    async def close(self) -> None:
        """Close the HTTP client (when driven by `deliver_due` alone)."""
        await self._client.aclose()

    async def _turn(self) -> float:
        # Look first without writing: on SQLite a transaction takes the one write turn.
        async with self._db.sessions() as session:
            if await links.disabled(session):
                return DISABLED_IDLE
            due = await events.next_due(session)
        if due is None:
            return IDLE
        wait = (due - self._clock.now()).total_seconds()
        if wait > 0:
            return min(wait, IDLE)
        # Nothing claimed: what is due waits behind a failed event of its ticket, or another
        # process holds it.
        return 0.0 if await self.deliver_due() else IDLE

    async def deliver_due(self, limit: int | None = None) -> int:
        """Send every event due now (up to a batch, or `limit`); how many were tried."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            if await links.disabled(session):
                return 0
            due = await events.claim(session, self._owner.id, now, limit or self._batch)
        for event in due:
            await self._deliver(event)
        return len(due)

    def sign(self, webhook_id: str, at: datetime, body: str) -> dict[str, str]:
        """The Standard Webhooks headers of one attempt."""
        return {
            "content-type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": self._signer.sign(webhook_id, at, body),
        }

    async def _deliver(self, event: DueEvent) -> None:
        body = self._keys.open(event.sealed).decode()
        at = self._clock.now()
        headers = self.sign(event.webhook_id, at, body)
        code: int | None = None
        wait: timedelta | None = None
        try:
            async with asyncio.timeout(self._timeout):  # in all: httpx times each phase
                response = await self._client.post(self._url, content=body, headers=headers)
            code = response.status_code
            error = f"HTTP {code}"
            if code == 429:
                wait = retry_after(response.headers.get("retry-after"), self._clock.now())
        except (httpx.TimeoutException, TimeoutError):
            error = "timeout"
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        now = self._clock.now()
        async with self._db.transaction() as session:
            if code is not None and 200 <= code < 300:
                await self._delivered(session, event, now, code)
            elif code == 410:
                await events.release(session, event.id, self._owner.id, "HTTP 410")
                if await links.disable(session, f"410 Gone at {now.isoformat()}", now):
                    log.error("the case system answered 410 Gone: its endpoint is disabled")
                    await outbox.add(session, [self._group.message(notices.endpoint_gone())], now)
            else:
                await self._failed(session, event, now, code, error, wait)
        self._on_commit()

    async def _delivered(
        self, session: AsyncSession, event: DueEvent, now: datetime, code: int
    ) -> None:
        if await events.delivered(session, event.id, self._owner.id, now, code):
            if event.type == "ticket.created":
                await links.confirm(session, event.ticket_ref, now)
            log.info("case event %s of %s delivered", event.type, event.ticket_ref)

    async def _failed(
        self,
        session: AsyncSession,
        event: DueEvent,
        now: datetime,
        code: int | None,
        error: str,
        wait: timedelta | None,
    ) -> None:
        attempts = event.attempts + 1
        retryable = code is None or code == 429 or code >= 500
        delay = retry_delay(attempts, self._rng) if retryable else None
        if delay is not None and wait is not None:
            delay = max(delay, wait)  # 429: never sooner than the case system asked
        retry_at = now + delay if delay is not None else None
        if not await events.attempt_failed(
            session, event.id, self._owner.id, code=code, error=error, retry_at=retry_at
        ):
            return  # the lease was lost meanwhile: whoever holds it now decides
        if retry_at is not None:
            log.warning(
                "case event %s of %s: %s (try %d); again in %.0f s",
                event.type,
                event.ticket_ref,
                error,
                attempts,
                (retry_at - now).total_seconds(),
            )
            return
        log.error(
            "case event %s of %s failed for good after %d tries: %s",
            event.type,
            event.ticket_ref,
            attempts,
            error,
        )
        text = notices.delivery_failed(event.type, event.ticket_ref, attempts, error)
        await outbox.add(session, [self._group.message(text, event.ticket_ref)], now)
