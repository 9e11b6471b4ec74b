"""Logging set-up. Libraries that log tokens, URLs or message content never go below WARNING."""

from __future__ import annotations

import logging

# httpx logs every request URL, which holds the bot token; PTB and uvicorn can log payloads.
_NOISY = (
    "httpx",
    "httpcore",
    "telegram",
    "uvicorn",
    "uvicorn.access",
    "uvicorn.error",
    "hpack",
    "aiosqlite",
    "asyncio",
    "sqlalchemy",
)


def setup_logging(level: str = "INFO") -> None:
    """Plain one-line logs on stderr; our own loggers carry references and ids, never content."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
