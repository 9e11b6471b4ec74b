"""The one dependency test: bot -> flows, bot -> storage, storage -> flows; flows stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each package may not import, from the project and from the outside world's I/O.
FORBIDDEN = {
    "flows": {
        "bot",
        "storage",
        "telegram",
        "fastapi",
        "starlette",
        "sqlalchemy",
        "babel",
        "httpx",
        "uvicorn",
        "asyncio",
        "aiosqlite",
        "asyncpg",
        "os",
        "time",
        "random",
        "secrets",
        "socket",
        "pathlib",
        "logging",
        "uuid",
        "tomllib",
        "json",
    },
    "storage": {"bot", "telegram", "fastapi", "starlette", "httpx", "babel"},
    "bot": set(),
}
CLOCK_READS = {"now", "utcnow", "today", "monotonic", "time"}
# Subpackages of flows/ that may import a sibling: every flow builds on core and domain.
FLOW_LAYERS = {"core": set(), "domain": {"core"}}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_keep_to_the_dependency_rule(package: str) -> None:
    offenders = {}
    for path in _sources(package):
        tops = {name.split(".")[0] for name in _imports(_tree(path))}
        if bad := sorted(tops & FORBIDDEN[package]):
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_flows_never_read_the_clock_or_open_files() -> None:
    for path in _sources("flows"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute):
                assert node.attr not in CLOCK_READS, f"{path.name} reads the clock ({node.attr})"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "open", f"{path.name} opens a file"


@pytest.mark.parametrize("layer", sorted(FLOW_LAYERS))
def test_core_and_domain_know_no_particular_flow(layer: str) -> None:
    allowed = FLOW_LAYERS[layer] | {layer}
    for path in _sources(f"flows/{layer}"):
        for name in _imports(_tree(path)):
            parts = name.split(".")
            if parts[0] == "flows" and len(parts) > 1:
                assert parts[1] in allowed, f"{path.relative_to(ROOT)} imports {name}"


def test_flows_are_independent_of_each_other() -> None:
    flows = [
        p.name
        for p in (ROOT / "flows").iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in FLOW_LAYERS
    ]
    for flow in flows:
        for path in _sources(f"flows/{flow}"):
            for name in _imports(_tree(path)):
                parts = name.split(".")
                if parts[0] == "flows" and len(parts) > 1 and parts[1] not in FLOW_LAYERS:
                    assert parts[1] == flow, f"{path.relative_to(ROOT)} imports {name}"


def test_folders_stay_small_enough_to_name_their_job() -> None:
    for package in ("bot", "flows", "storage"):
        for folder in [ROOT / package, *(p for p in (ROOT / package).rglob("*") if p.is_dir())]:
            modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
            assert len(modules) <= 12, f"{folder.relative_to(ROOT)} has {len(modules)} modules"
