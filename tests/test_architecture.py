"""DESIGN.md §1: bot -> flows, bot -> storage, storage -> flows; flows import no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each package may import from the project and from the outside world's I/O libraries.
FORBIDDEN = {
    "flows": {"bot", "storage", "telegram", "fastapi", "starlette", "sqlalchemy", "babel",
              "httpx", "uvicorn", "asyncio", "aiosqlite", "asyncpg", "os", "time", "random",
              "secrets", "socket", "pathlib", "logging"},
    "storage": {"bot", "telegram", "fastapi", "starlette", "httpx", "babel"},
    "bot": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_keep_to_the_dependency_rule(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_flows_read_no_clock() -> None:
    for path in (ROOT / "flows").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "open("):
            assert call not in source, f"{path.name} calls {call}"
