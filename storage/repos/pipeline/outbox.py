"""The outbox: every outgoing call, committed with its cause, delivered at least once.

A row is leased by the process sending it (`lease_owner`, see storage.owner): the lease ends
when that process ends, and every finish is conditional on still holding it, so a process that
lost its lease (it was taken for dead) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FORGOTTEN, OutboxMessage
from storage.owner import live_owners

# The method of a piece of evidence for the staff group (bot/telegram/delivery/evidence.py):
# it goes after the task force's other messages.
EVIDENCE = "sendEvidence"
# A row given up as moot: a newer prompt to the same chat replaced it before it was sent.
SKIPPED = "skipped"


@dataclass(frozen=True)
class NewMessage:
    """One call to make: the method, its sealed parameters, and who it goes to (as a key)."""

    chat_key: str
    is_group: bool
    method: str
    sealed: bytes
    ticket_ref: str | None = None
    channel: str = "telegram"
    # On success keep the result's id under this name (see storage.repos.pipeline.tracked).
    track: str | None = None
    # Parameters filled in at send time from tracked ids, e.g. {"message_id": "card:TPPO-..."}.
    fill: dict[str, str] | None = None
    # A timer kind to schedule at once if the call fails for good (e.g. tell the staff group).
    on_fail: str | None = None
    # A newer row to this chat that `replaces` this key makes this one moot while unsent.
    supersede: str | None = None
    # Adding this row drops the chat's unsent rows whose `supersede` is this key.
    replaces: str | None = None
    # False: not part of the chat's order (a button's acknowledgement goes at once).
    in_order: bool = True
    # For the task force: goes before reporters' replies when many wait (a burst).
    priority: bool = False


@dataclass(frozen=True)
class Due:
    """A row ready to send: the earliest pending one of its chat (or one outside the order)."""

    id: int
    chat_key: str
    is_group: bool
    channel: str
    method: str
    sealed: bytes
    attempts: int
    ticket_ref: str | None
    track: str | None = None
    fill: dict[str, str] | None = None
    on_fail: str | None = None
    in_order: bool = True
    stalled: bool = False
    due_at: datetime | None = None
    priority: bool = False


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _free(session: AsyncSession, owner: int, now: datetime) -> ColumnElement[bool]:
    """SQL: the row is not leased by a live process (ours included)."""
    m = OutboxMessage
    expired = and_(m.locked_until.is_not(None), m.locked_until < now)
    dead: ColumnElement[bool]
    if _dialect(session) == "postgresql":
        dead = m.lease_owner.not_in(live_owners())
    else:  # one process per SQLite database: any other owner was a run that died
        dead = m.lease_owner != owner
    return or_(m.lease_owner.is_(None), expired, dead)


# What `due` reads of a row, in Due's field order (the payload only when asked for: a pass
# looks at up to thousands of rows and sends a few).
def _due_columns(with_payload: bool) -> tuple[Any, ...]:
    m = OutboxMessage
    payload = m.payload if with_payload else literal(b"", LargeBinary)
    return (
        m.id,
        m.chat_key,
        m.is_group,
        m.channel,
        m.method,
        payload,
        m.attempts,
        m.ticket_ref,
        m.track,
        m.fill,
        m.on_fail,
        m.in_order,
        m.stalled,
        m.next_attempt_at,
        m.priority,
    )


def _due_row(r: Sequence[Any]) -> Due:
    fields = list(r)
    fields[5] = fields[5] or b""
    fields[-1] = bool(fields[-1])
    return Due(*fields)


async def add(session: AsyncSession, messages: Sequence[NewMessage], now: datetime) -> None:
    """Queue messages (in this order) in the caller's transaction, dropping what they replace."""
    replaced = {(m.chat_key, m.replaces) for m in messages if m.replaces}
    for chat_key, key in sorted(replaced):
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.chat_key == chat_key,
                OutboxMessage.supersede == key,
                OutboxMessage.status == "pending",
                OutboxMessage.lease_owner.is_(None),
            )
            .values(
                status=SKIPPED, payload=None, sent_at=now, chat_key=FORGOTTEN, error="superseded"
            )
        )
    rows = [
        {
            "channel": m.channel,
            "chat_key": m.chat_key,
            "is_group": m.is_group,
            "method": m.method,
            "payload": m.sealed,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "ticket_ref": m.ticket_ref,
            "track": m.track,
            "fill": m.fill,
            "on_fail": m.on_fail,
            "supersede": m.supersede,
            "in_order": m.in_order,
            "stalled": False,
            "priority": m.priority,
        }
        for m in messages
    ]
    if rows:  # one multi-row INSERT: ids rise in list order, which is each chat's order
        await session.execute(insert(OutboxMessage).values(rows))


def _urgency() -> ColumnElement[int]:
    """Sort key: button acknowledgements, then the task force's messages (the staff group's
    ticket messages but evidence, and everything marked `priority`), then the rest."""
    m = OutboxMessage
    return case(
        (m.method == "answerCallbackQuery", 0),
        (m.method == EVIDENCE, 2),
        (or_(m.priority, and_(m.is_group, m.ticket_ref.is_not(None))), 1),
        else_=2,
    )


async def due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    *,
    owner: int,
    skip_chats: frozenset[str] = frozenset(),
    stalled_too: bool = False,
    with_payload: bool = True,
) -> list[Due]:
    """Up to `limit` free rows that may go now: each chat's earliest pending row in order, and
    rows outside the order; most urgent first, then oldest. `stalled_too`: rows waiting only
    for the other side to answer count as due (to probe it). Without `with_payload` each
    `sealed` is empty: the dispatcher reads only the chosen rows' with `payloads`."""
    m = OutboxMessage
    heads = select(func.min(m.id)).where(m.status == "pending", m.in_order).group_by(m.chat_key)
    when: ColumnElement[bool] = m.next_attempt_at <= now
    if stalled_too:
        when = or_(when, m.stalled)
    stmt = (
        select(*_due_columns(with_payload))
        .where(
            m.status == "pending",
            or_(and_(m.in_order, m.id.in_(heads)), ~m.in_order),
            when,
            _free(session, owner, now),
        )
        .order_by(_urgency(), m.id)
        .limit(limit + len(skip_chats))
    )
    rows = [_due_row(r) for r in await session.execute(stmt)]
    return [r for r in rows if not (r.in_order and r.chat_key in skip_chats)][:limit]


async def payloads(session: AsyncSession, ids: Sequence[int]) -> dict[int, bytes]:
    """The sealed parameters of these rows, by id."""
    if not ids:
        return {}
    m = OutboxMessage
    rows = await session.execute(select(m.id, m.payload).where(m.id.in_(ids)))
    return {row_id: payload or b"" for row_id, payload in rows}


async def lease(
    session: AsyncSession, row_id: int, now: datetime, length: timedelta, *, owner: int
) -> bool:
    """Take a row for sending; False when a live process holds it. `length` caps the lease
    even for a live owner (a send never takes that long)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == "pending",
            _free(session, owner, now),
        )
        .values(lease_owner=owner, locked_until=now + length)
    )
    return _count(result) == 1


def _owned(row_id: int, owner: int) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.id == row_id,
        OutboxMessage.status == "pending",
        OutboxMessage.lease_owner == owner,
    )


def _count(result: object) -> int:
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


async def release(session: AsyncSession, owner: int) -> int:
    """Give back every row `owner` still leases (a clean shutdown)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.lease_owner == owner)
        .values(lease_owner=None, locked_until=None)
    )
    return _count(result)


async def mark_sent(session: AsyncSession, row_id: int, now: datetime, *, owner: int) -> bool:
    """Delivered: erase the sealed payload, keep the row as a delivery record.

    False (and nothing changed) when `owner` no longer holds the lease.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(_owned(row_id, owner))
        .values(
            status="sent",
            payload=None,
            sent_at=now,
            locked_until=None,
            lease_owner=None,
            error=None,
            chat_key=FORGOTTEN,
            stalled=False,
        )
    )
    return _count(result) == 1


async def retry_later(
    session: AsyncSession,
    row_id: int,
    at: datetime,
    error: str,
    *,
    owner: int,
    count_attempt: bool = True,
    stalled: bool = False,
    aside: bool = False,
) -> bool:
    """Not delivered this time; try again at `at`. `stalled`: only because the other side was
    unreachable; `aside`: take it out of its chat's order so it holds up nothing behind it."""
    values: dict[str, object] = {
        "next_attempt_at": at,
        "locked_until": None,
        "lease_owner": None,
        "error": error[:200],
        "stalled": stalled,
    }
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    if aside:
        values["in_order"] = False
    result = await session.execute(
        update(OutboxMessage).where(_owned(row_id, owner)).values(**values)
    )
    return _count(result) == 1


async def mark_failed(
    session: AsyncSession, row_id: int, now: datetime, error: str, *, owner: int
) -> bool:
    """Refused for good (e.g. the user blocked the bot): erase and record why."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_owned(row_id, owner))
        .values(
            status="failed",
            payload=None,
            sent_at=now,
            locked_until=None,
            lease_owner=None,
            chat_key=FORGOTTEN,
            stalled=False,
            attempts=OutboxMessage.attempts + 1,
            error=error[:200],
        )
    )
    return _count(result) == 1


async def replace(
    session: AsyncSession, row_id: int, method: str, sealed: bytes, *, owner: int
) -> bool:
    """Turn a row into another call (an edit that cannot be made becomes a new message)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_owned(row_id, owner))
        .values(method=method, payload=sealed, locked_until=None, lease_owner=None)
    )
    return _count(result) == 1


async def wake_stalled(session: AsyncSession, channel: str, now: datetime) -> int:
    """The other side answers again: every row waiting only for that is due now."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.channel == channel,
            OutboxMessage.stalled,
        )
        .values(next_attempt_at=now, stalled=False)
    )
    return _count(result)


# Calls that are not messages: Telegram does not count them against a group's 20 a minute.
_NOT_MESSAGES = (
    "answerCallbackQuery",
    "leaveChat",
    "setMessageReaction",
    "deleteMessage",
    "deleteMessages",
    "getFile",
)


async def group_load(session: AsyncSession, since: datetime) -> int:
    """Messages to groups still waiting, plus those queued since `since`.

    The bot writes to one group only (it leaves any other), so this is the staff group's
    backlog plus its recent traffic: what a new message there would queue behind. Evidence
    still waiting is left out: it goes after every card, so no card queues behind it.
    """
    m = OutboxMessage
    evidence_waiting = and_(m.status == "pending", m.method == EVIDENCE)
    return int(
        await session.scalar(
            select(func.count())
            .select_from(m)
            .where(
                m.is_group.is_(True),
                m.method.not_in(_NOT_MESSAGES),
                ~evidence_waiting,
                or_(m.status == "pending", m.created_at >= since),
            )
        )
        or 0
    )


async def drop_pending(
    session: AsyncSession, *, ticket_ref: str, method: str, now: datetime
) -> int:
    """Set aside this ticket's unsent calls of `method` to groups that no sender holds yet.

    Used for card edits: each edit carries the whole card, so a newer one makes older ones
    that have not gone out pointless (and they would cost the group's 20 a minute).
    """
    m = OutboxMessage
    result = await session.execute(
        update(m)
        .where(
            m.ticket_ref == ticket_ref,
            m.method == method,
            m.is_group.is_(True),
            m.status == "pending",
            m.lease_owner.is_(None),
        )
        .values(status=SKIPPED, payload=None, sent_at=now, error="superseded")
    )
    return _count(result)


async def pending_count(session: AsyncSession) -> int:
    """How many rows wait to be delivered."""
    return int(
        await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
        or 0
    )


async def oldest_pending(session: AsyncSession) -> datetime | None:
    """When the longest-waiting row was queued (None: nothing waits)."""
    value: datetime | None = await session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
    )
    return value


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget delivery records (already erased of content) finished before `before`."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(("sent", "failed", SKIPPED)), OutboxMessage.sent_at < before
        )
    )
    return _count(result)
