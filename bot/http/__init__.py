"""The HTTP surface: Telegram webhook, health, readiness (FastAPI)."""
