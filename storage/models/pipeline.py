"""The pipeline's tables: inbox, conversations, outbox, timers and tracked message ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime

# What a handled row keeps instead of its chat's key: kept, the key would tie the rows of one
# reporter together (and to their ticket's outbox rows) long after they are handled.
FORGOTTEN = "-"


class InboxUpdate(Base):
    """A raw Telegram update, stored before we answer 200 so that nothing acknowledged is lost.

    The payload (which carries the sender's identity) is erased once processed; the row stays
    for a while so that Telegram's re-deliveries of the same `update_id` are recognised.
    """

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # HMAC of the chat id: serialises one chat without storing who it is.
    chat_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|done|parked
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(80))  # exception class, never content

    __table_args__ = (
        Index("ix_inbox_pending", "status", "update_id"),
        Index("ix_inbox_chat", "chat_key", "status", "update_id"),
    )


class Conversation(Base):
    """The state of one flow's conversation with one person, keyed by an HMAC of their user id."""

    __tablename__ = "conversations"

    flow: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_conversations_updated", "updated_at"),)


class OutboxMessage(Base):
    """An outgoing Bot API call or webhook, committed with the state change that caused it.

    `payload` is sealed with DATA_KEY (it names the recipient chat) and erased once delivered.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    # HMAC of the recipient chat id: per-chat order and rate limits without naming the chat.
    chat_key: Mapped[str] = mapped_column(String(64))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ticket_ref: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(200))
    # On success, keep the id Telegram gave the result (a message, a forum topic) under this name.
    track: Mapped[str | None] = mapped_column(String(64))
    # Parameters filled in at send time from tracked ids: {"message_id": "card:TPPO-..."}.
    fill: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # When delivery fails for good, schedule a timer of this kind (e.g. tell the group).
    on_fail: Mapped[str | None] = mapped_column(String(32))
    # The process sending it now (see storage.owner): a lease that ends when that process does.
    lease_owner: Mapped[int | None] = mapped_column(BigInteger)
    # False: the row goes on its own, not in its chat's order (a button's acknowledgement, or
    # a row set aside after failing so that it holds up nothing behind it).
    in_order: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # A newer row with the same key to the same chat makes this one moot while unsent.
    supersede: Mapped[str | None] = mapped_column(String(16))
    # Waiting only because the other side was unreachable: due again as soon as it answers.
    stalled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # For the task force (their group, their private chats): sent before reporters' replies in
    # a burst, so that nobody on duty waits behind a thousand welcomes.
    priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        Index("ix_outbox_pending", "status", "id"),
        Index("ix_outbox_chat", "chat_key", "status", "id"),
    )


class SendBudget(Base):
    """Recent sends under one limit key, shared by every process of the bot (PostgreSQL).

    `times` holds the newest send times (seconds on the shared clock), as many as the key's
    strictest limit counts; `paused_until` is set when Telegram answered 429 for that key.
    """

    __tablename__ = "send_budget"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    times: Mapped[list[float]] = mapped_column(JSON)
    paused_until: Mapped[float | None] = mapped_column(Float)
    last_at: Mapped[float] = mapped_column(Float)


class Timer(Base):
    """Something to do at a time (an SLA step, a retention sweep), claimed like the inbox.

    `key` makes scheduling idempotent: the same step of the same ticket is one row, so a
    restart that schedules it again, or two processes, cannot make it fire twice.
    """

    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(96), unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ticket_ref: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(80))  # exception class, never content

    __table_args__ = (Index("ix_timers_due", "status", "due_at"),)


class TrackedMessage(Base):
    """The id Telegram gave a message we sent and must act on later (edit a card, a topic).

    Only staff-side messages are tracked by ticket; a reporter's chat is never named here.
    """

    __tablename__ = "tracked_messages"

    track: Mapped[str] = mapped_column(String(64), primary_key=True)
    result_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
