"""Telegram's sending limits as a budget shared by every process of one bot (see shared.py)."""

from bot.telegram.delivery.budget.redis_store import RedisBudget
from bot.telegram.delivery.budget.shared import (
    DatabaseBudget,
    SendBudget,
    rules_for,
    shared_clock,
)

__all__ = ["DatabaseBudget", "RedisBudget", "SendBudget", "rules_for", "shared_clock"]
