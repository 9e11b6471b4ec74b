"""Telegram's sending limits as a budget shared by every process of one bot (see shared.py)."""

from bot.telegram.budget.redis_store import RedisBudget
from bot.telegram.budget.shared import (
    DatabaseBudget,
    SendBudget,
    rules_for,
    shared_clock,
)

__all__ = ["DatabaseBudget", "RedisBudget", "SendBudget", "rules_for", "shared_clock"]
