"""The machine, the versions, and the figures as a console table and as docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks.scenarios import Result

BEGIN = "<!-- bench:begin (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"
_PACKAGES = (
    "python-telegram-bot",
    "fastapi",
    "uvicorn",
    "h11",
    "httptools",
    "uvloop",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "httpx",
    "cryptography",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _filesystem(path: Path) -> str:
    """The filesystem type holding `path` (the database lives there; fsync cost depends on it)."""
    best, kind = "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) > 2 and target.startswith(parts[1]) and len(parts[1]) > len(best):
            best, kind = parts[1], f"{parts[2]} ({parts[0]} on {parts[1]})"
    return kind


def code_version(root: Path) -> str:
    """The commit measured, and which files of the server differ from it (git, read-only)."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "status",
                "--porcelain",
                "--",
                "bot",
                "flows",
                "storage",
                "locales",
                "pyproject.toml",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    changed = sorted(line[3:] for line in dirty.stdout.splitlines() if line.strip())
    return commit.stdout.strip() + (
        f" plus uncommitted changes to {', '.join(changed)}" if changed else ""
    )


def machine(db_dir: Path) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("cores", str(cores)),
        ("CPU", _cpu_model()),
        ("memory", _memory()),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("database", f"SQLite in {db_dir} on {_filesystem(db_dir)}"),
        ("load average (1, 5, 15 min) when written", " ".join(f"{v:.2f}" for v in os.getloadavg())),
    ]


def versions() -> list[tuple[str, str]]:
    """Python, SQLite and the packages that the hot path runs through."""
    rows = [("Python", sys.version.split()[0]), ("SQLite", sqlite3.sqlite_version)]
    for name in _PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def verdict(result: Result) -> str:
    """PASS or MISS."""
    return "PASS" if result.passed else "MISS"


def console(results: list[Result], info: list[tuple[str, str]], quick: bool) -> str:
    """The plain-text report for stdout."""
    lines = [
        "",
        "Lapor TPPO benchmarks" + (" (--quick: small counts, not comparable)" if quick else ""),
    ]
    lines += [f"  {k}: {v}" for k, v in info]
    width = max((len(r.name) for r in results), default=10)
    target_width = max((len(r.target) for r in results), default=10)
    lines.append("")
    lines.append(f"  {'scenario':<{width}}  {'target':<{target_width}}  result")
    for r in results:
        lines.append(f"  {r.name:<{width}}  {r.target:<{target_width}}  {verdict(r)}  {r.figure}")
    for r in results:
        lines.append("")
        lines.append(f"{r.name}: {verdict(r)}")
        label_width = max((len(k) for k, _ in r.details), default=10)
        lines += [f"  {k:<{label_width}}  {v}" for k, v in r.details]
        lines += [f"  - {n}" for n in r.notes]
    return "\n".join(lines) + "\n"


def _table(rows: list[tuple[str, str]], head: tuple[str, str]) -> list[str]:
    out = [f"| {head[0]} | {head[1]} |", "|---|---|"]
    out += [f"| {k.strip()} | {v.replace('|', '/')} |" for k, v in rows]
    return out


def markers(section: str = "") -> tuple[str, str]:
    """The begin and end markers of a generated section ("" is the main one)."""
    if not section:
        return BEGIN, END
    return (
        f"<!-- bench:{section}:begin (written by `python -m benchmarks --section {section}`; "
        "edit outside these markers) -->",
        f"<!-- bench:{section}:end -->",
    )


def markdown(
    results: list[Result],
    info: list[tuple[str, str]],
    vers: list[tuple[str, str]],
    command: str,
    section: str = "",
) -> str:
    """The generated part of docs/benchmarks.md (between the markers of `section`)."""
    begin, end = markers(section)
    out = [
        begin,
        "",
        f"Measured with `{command}`; for a MISS, see the analysis below.",
        "",
        "### Results",
        "",
        "| scenario | target | result | figure |",
        "|---|---|---|---|",
    ]
    out += [f"| {r.name} | {r.target} | **{verdict(r)}** | {r.figure} |" for r in results]
    for r in results:
        out += ["", f"#### {r.name}: {verdict(r)}", ""]
        out += _table(r.details, ("measure", "value"))
        if r.notes:
            out.append("")
            out += [f"- {n}" for n in r.notes]
    out += ["", "### Machine and code", "", *_table(info, ("what", "value"))]
    out += ["", "### Versions", "", *_table(vers, ("software", "version"))]
    out += ["", end]
    return "\n".join(out) + "\n"


_INTRO = """# Benchmarks

`make bench` (`python -m benchmarks`, about 5 minutes) starts the real server (`lapor-tppo run`,
webhook mode, SQLite with `synchronous=FULL`) as a subprocess on 127.0.0.1, against the fake
Telegram Bot API from `tests/fakes/` (in the benchmark process, flood limits on). Every scenario
gets a fresh server and an empty database. Updates in scenarios 1 and 3 come from a load
generator in its own process (`benchmarks/loadgen.py`) over 40 keep-alive connections, Telegram's
`max_connections`. `python -m benchmarks --quick` is a smoke run with small counts, and
`--probe` / `--no-worker` are diagnostics (`benchmarks/probe.py` wraps the server's commits,
worker and dispatcher with timers); none of these write this file.

- **Webhook acknowledgements**: distinct `/start` updates from users who have started the bot
  (so its replies are valid), for up to 10,000 updates or 60 s after 500 warm-up requests; the
  figure is `200` answers per second. The worker and the dispatcher run meanwhile, as they would
  in production.
- **First reply at light load**: new reporters send `/start` through the fake's own webhook
  delivery, 5 per second for 20 s; the latency runs from just before the fake POSTs the update to
  the moment the fake receives the bot's first `sendMessage` to that chat.
- **Burst**: 1,000 reporters new to the bot send `/start` at once; the drain time runs until each
  has had a reply. The floor is the number of messages the bot sent until then divided by 30
  messages/s; "most sends in any 1 s" counts every send the fake received in any 1-second window,
  refused ones included, and the target also wants no 429.
- **Triage**: 10 staff members act 100 times in the minute of the burst (commands in their
  private chats, Take presses on group cards); every action must be answered, p99 under 3 s.

"""

_ANALYSIS = """
## Analysis

(Write here why a target is missed and what would fix it; `make bench` keeps this section.)
"""


def write_doc(path: Path, generated: str, section: str = "") -> None:
    """Replace the generated part of `path`, keeping whatever was written around it.

    A `section` other than the main one that the file lacks yet goes before the analysis.
    """
    begin, end = markers(section)
    try:
        current = path.read_text()
    except FileNotFoundError:
        current = ""
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        tail = rest.split(end, 1)[1]
        text = head + generated.rstrip("\n") + tail
    elif section and current:
        head, mark, tail = current.partition("\n## Analysis")
        block = f"\n## Latest figures: {section}\n\n{generated}"
        text = head.rstrip("\n") + "\n" + block + mark + tail
    else:
        text = _INTRO + "## Latest figures\n\n" + generated + _ANALYSIS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
