"""Follow-up records: receipt hashes, opt-in contacts, messages between staff and a reporter,
and wrong receipt guesses (for throttling)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Receipt(Base):
    """A ticket's secret receipt, kept only as an Argon2id hash.

    `lookup` is the first 4 characters of the receipt (20 of its 100 bits): it narrows the
    rows to verify without being part of what proves ownership.
    """

    __tablename__ = "receipts"

    ticket_ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    lookup: Mapped[str] = mapped_column(String(8), index=True)
    hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowupContact(Base):
    """The one link from a ticket to a reporter, by their choice: the chat id, sealed.

    Deleted when the ticket closes or the reporter sends /hapus.
    """

    __tablename__ = "followup_contacts"

    ticket_ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    sealed_chat: Mapped[bytes] = mapped_column(LargeBinary)
    locale: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketMessage(Base):
    """A message between the task force and a ticket's reporter; the text is sealed."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_ref: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(String(16))  # "to_reporter" | "from_reporter"
    sealed_text: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_ticket_messages_ticket", "ticket_ref", "id"),)


class ReceiptMiss(Base):
    """One wrong receipt guess: per chat (`scope` is a keyed hash of it) and in all."""

    __tablename__ = "receipt_misses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_receipt_misses_scope", "scope", "at"),
        Index("ix_receipt_misses_at", "at"),
    )
