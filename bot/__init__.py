"""The outside world: Telegram adapter, FastAPI app, workers, CLI and settings."""
