"""ORM models, one module per area. Only storage/ imports these; repositories hand out flow
dataclasses. Every table module is imported here so that `Base.metadata` knows them all.
"""

from storage.models.base import Base
from storage.models.pipeline import (
    FORGOTTEN,
    Conversation,
    InboxUpdate,
    OutboxMessage,
    SendBudget,
    Timer,
    TrackedMessage,
)
from storage.models.tickets import Ticket, TicketEvent

__all__ = [
    "FORGOTTEN",
    "Base",
    "Conversation",
    "InboxUpdate",
    "OutboxMessage",
    "SendBudget",
    "Ticket",
    "TicketEvent",
    "Timer",
    "TrackedMessage",
]
