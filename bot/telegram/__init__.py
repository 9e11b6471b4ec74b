"""Adapting the Telegram Bot API: updates in, Bot API calls out, its limits, its client."""
