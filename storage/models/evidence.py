"""Evidence passed on to the task force, and the message ids a reporter may have deleted.

Neither table names a reporter: evidence rows belong to a ticket and hold what the original
file was (type, size, SHA-256), never its content or Telegram's handle; chat messages are keyed
by the chat's HMAC pseudonym and hold only message ids and when they were sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class TicketEvidence(Base):
    """One attachment of a ticket: queued for the staff group, then hashed when fetched."""

    __tablename__ = "ticket_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_ref: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the attachment's Telegram identity: finds it again, names nothing.
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2... in the order the reporter sent
    kind: Mapped[str] = mapped_column(String(16))  # photo, voice, document, location...
    mime_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)  # of the original, in bytes
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the original, hex
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("ticket_ref", "key", name="uq_ticket_evidence_key"),
        Index("ix_ticket_evidence_ref", "ticket_ref", "position"),
    )


class ChatMessage(Base):
    """A message in a private chat (the reporter's or the bot's) that /hapus may delete.

    Kept 48 hours, as long as Telegram lets a bot delete messages.
    """

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("chat_key", "message_id", name="uq_chat_messages_id"),
        Index("ix_chat_messages_sent", "sent_at"),
    )
