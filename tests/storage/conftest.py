"""Fixtures for storage tests: a live lease owner."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.owner import Owner


@pytest.fixture
async def owner(engine: AsyncEngine) -> AsyncIterator[int]:
    """A live lease owner ("this process"), its advisory lock held on PostgreSQL."""
    held = Owner(engine, postgres=engine.dialect.name == "postgresql")
    assert await held.hold()
    yield held.id
    await held.release()
