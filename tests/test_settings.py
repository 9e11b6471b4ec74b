"""Settings: defaults, validation, and the one-line errors `run` prints."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import SettingsError
from bot.infra.crypto import new_data_key
from bot.infra.settings import load_settings, parse_duration, reveal

ROOT = Path(__file__).resolve().parent.parent
ALL = (
    "TELEGRAM_BOT_TOKEN",
    "STAFF_CHAT_ID",
    "DATA_KEY",
    "PUBLIC_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "SLA_URGENT",
    "DATABASE_URL",
    "TIMEZONE",
    "REDIS_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALL:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def _cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ALL}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
        cwd=tmp_path,
        text=True,
        capture_output=True,
        env={**base, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=60,
        check=False,
    )


def test_defaults_follow_the_design() -> None:
    s = load_settings()
    assert s.DATABASE_URL == "sqlite+aiosqlite:///./var/lapor.db"
    assert (s.HOST, s.PORT, s.TIMEZONE) == ("127.0.0.1", 8080, "Asia/Makassar")
    assert s.DEFAULT_LOCALE == "id"
    slas = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
    assert (s.SLA_URGENT, s.SLA_CHILD, s.SLA_NORMAL) == slas
    assert not s.webhook_mode


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("5m", 300), ("2h", 7200)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("locale", ["id", "en", "ms"])
def test_every_reporter_language_can_be_the_default(
    monkeypatch: pytest.MonkeyPatch, locale: str
) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", locale)
    assert load_settings().DEFAULT_LOCALE == locale


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEFAULT_LOCALE", "fr"),
        ("SLA_URGENT", "soon"),
        ("DATABASE_URL", "mysql://x"),
        ("TIMEZONE", "Mars/Olympus"),
        ("TELEGRAM_WEBHOOK_SECRET", "has space"),
        ("DATA_KEY", "short"),
        ("STAFF_CHAT_ID", "group"),
    ],
)
def test_a_malformed_setting_names_itself(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(name) and "\n" not in str(caught.value)


def test_run_without_a_token_prints_one_line_and_fails(tmp_path: Path) -> None:
    result = _cli(tmp_path, "run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0] and "BotFather" in lines[0]


def test_webhook_mode_needs_its_secret(tmp_path: Path) -> None:
    keys = dict(line.split("=", 1) for line in _cli(tmp_path, "keygen").stdout.split())
    env = {
        "TELEGRAM_BOT_TOKEN": "1:x",
        "STAFF_CHAT_ID": "-1001",
        "DATA_KEY": keys["DATA_KEY"],
        "PUBLIC_URL": "https://example.org",
    }
    result = _cli(tmp_path, "run", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "TELEGRAM_WEBHOOK_SECRET" in result.stderr


def test_keygen_output_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _cli(tmp_path, "keygen")
    keys = dict(line.split("=", 1) for line in result.stdout.split())
    assert set(keys) == {
        "DATA_KEY",
        "TELEGRAM_WEBHOOK_SECRET",
        "CASE_WEBHOOK_SECRET",
        "CASE_INBOUND_SECRET",
    }
    assert keys["CASE_WEBHOOK_SECRET"].startswith("whsec_")
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(
        PUBLIC_URL="https://example.org", TELEGRAM_BOT_TOKEN="1:x", STAFF_CHAT_ID=-100
    )
    settings.require_for_run()
    assert _cli(tmp_path, "keygen").stdout != result.stdout


def test_secrets_never_show_in_a_repr() -> None:
    secrets = {
        "TELEGRAM_BOT_TOKEN": "123:very-secret-token",
        "DATA_KEY": new_data_key(),
        "TELEGRAM_WEBHOOK_SECRET": "hook-secret-value",
        "CASE_WEBHOOK_SECRET": "whsec_abc",
        "CASE_INBOUND_SECRET": "whsec_def",
        "DATABASE_URL": "postgresql+asyncpg://app:db-password@db/lapor",
        "REDIS_URL": "redis://:redis-password@cache:6379/0",
    }
    settings = load_settings(**secrets)
    shown = repr(settings) + str(settings)
    for value in (
        "very-secret-token",
        secrets["DATA_KEY"],
        "hook-secret-value",
        "whsec_abc",
        "whsec_def",
        "db-password",
        "redis-password",
    ):
        assert value not in shown
    assert reveal(settings.TELEGRAM_BOT_TOKEN) == "123:very-secret-token"


def test_every_command_the_parser_accepts_runs_its_own_handler(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    extra = main.parser()
    subcommands = next(a for a in extra._actions if isinstance(a, argparse._SubParsersAction))
    subcommands.add_parser("frobnicate")  # a command someone added to the parser only
    monkeypatch.setattr(main, "parser", lambda: extra)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(SystemExit) as exited:
        main.main(["frobnicate"])
    assert exited.value.code == 2
    assert not (tmp_path / "x.db").exists()  # it did not fall through to `db upgrade`
    assert main.main(["db", "upgrade"]) == 0
    assert (tmp_path / "x.db").exists()


def test_catalog_check_lists_numbers_to_verify_and_fails_until_they_are(tmp_path: Path) -> None:
    result = _cli(tmp_path, "catalog", "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "need a look" in lines[0]
    assert any("Police" in line and "110" in line and "days ago" in line for line in lines)
    assert any("UPTD PPA Nunukan" in line and "to be supplied" in line for line in lines)


def test_catalog_check_passes_when_every_number_is_fresh(tmp_path: Path) -> None:
    import re
    import tomllib

    source = (ROOT / "flows" / "data" / "intake.toml").read_text(encoding="utf-8")
    today = __import__("datetime").date.today().isoformat()
    fresh = re.sub(r"verified = \d{4}-\d{2}-\d{2}", f"verified = {today}", source)
    data = tomllib.loads(fresh)
    data["help_lines"] = [h for h in data["help_lines"] if h.get("number")]
    kept = "\n".join(
        f'[[help_lines]]\ncountry = "{h["country"]}"\nlabel = "{h["label"]}"\n'
        f'number = "{h["number"]}"\nverified = {today}\n'
        for h in data["help_lines"]
    )
    catalog = tmp_path / "intake.toml"
    catalog.write_text(fresh.split("# --- help numbers")[0] + kept, encoding="utf-8")
    result = _cli(tmp_path, "catalog", "check", env={"CATALOG_FILE": str(catalog)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "were verified within the last 180 days" in result.stdout


def test_catalog_check_names_a_broken_catalog(tmp_path: Path) -> None:
    broken = tmp_path / "intake.toml"
    broken.write_text("[[roles]]\nid = 'Bad Id'\n", encoding="utf-8")
    result = _cli(tmp_path, "catalog", "check", env={"CATALOG_FILE": str(broken)})
    assert result.returncode == 2 and "cannot read the catalog" in result.stdout
