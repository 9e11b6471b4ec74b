"""Sending through the Bot API: the transport, its errors, Telegram's limits, the shared budget."""
