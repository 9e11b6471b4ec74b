"""ORM models, one module per area. Only storage/ imports these; repositories hand out flow
dataclasses. Every table module is imported here so that `Base.metadata` knows them all.
"""

from storage.models.base import Base
from storage.models.case import CaseEvent, CaseInbound, CaseLink, CaseState
from storage.models.evidence import ChatMessage, TicketEvidence
from storage.models.followup import FollowupContact, Receipt, ReceiptMiss, TicketMessage
from storage.models.pipeline import (
    FORGOTTEN,
    Conversation,
    InboxUpdate,
    OutboxMessage,
    SendBudget,
    Timer,
    TrackedMessage,
)
from storage.models.privacy import ReporterLimit
from storage.models.staff import DutyOverride, RosterShift, Staff
from storage.models.tickets import Ticket, TicketEvent
from storage.models.triage import AuditEntry, DigestItem, ReferralRow, TicketNote

__all__ = [
    "FORGOTTEN",
    "AuditEntry",
    "Base",
    "CaseEvent",
    "CaseInbound",
    "CaseLink",
    "CaseState",
    "ChatMessage",
    "Conversation",
    "DigestItem",
    "DutyOverride",
    "FollowupContact",
    "InboxUpdate",
    "OutboxMessage",
    "Receipt",
    "ReceiptMiss",
    "ReferralRow",
    "ReporterLimit",
    "RosterShift",
    "SendBudget",
    "Staff",
    "Ticket",
    "TicketEvent",
    "TicketEvidence",
    "TicketMessage",
    "TicketNote",
    "Timer",
    "TrackedMessage",
]
