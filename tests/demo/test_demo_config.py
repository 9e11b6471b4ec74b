"""The demo cannot be mistaken for production: it refuses production settings and takes nothing
from outside that would let it talk to the world."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.demo.cast import DEMO_TOKEN, STAFF, STAFF_CHAT_ID, on_duty
from bot.demo.config import Declared, DemoRefused, demo_settings, is_loopback, refuse_production
from bot.demo.run import PortBusy, listen
from bot.demo.seed import cli_commands, seed, seed_plan
from bot.errors import SettingsError
from bot.infra.crypto import new_data_key
from bot.infra.settings import reveal

WATCHED = (
    "TELEGRAM_BOT_TOKEN",
    "PUBLIC_URL",
    "HOST",
    "DATABASE_URL",
    "CASE_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "STAFF_CHAT_ID",
    "DATA_KEY",
    "SLA_URGENT",
    "DEFAULT_LOCALE",
    "TELEGRAM_API_URL",
    "PORT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No settings from the developer's shell or .env: each test says what it has."""
    for name in WATCHED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        ("PUBLIC_URL", "https://lapor.example.go.id"),
        ("HOST", "0.0.0.0"),
        ("HOST", "192.168.1.20"),
        ("DATABASE_URL", "postgresql+asyncpg://lapor@db.example.go.id/lapor"),
    ],
)
def test_production_settings_stop_the_demo_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    value: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["demo", "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and name in err and "DemoRefused" in err
    assert list(tmp_path.iterdir()) == []  # refused before creating anything


def test_a_token_in_dot_env_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K\n")
    with pytest.raises(DemoRefused, match="TELEGRAM_BOT_TOKEN"):
        refuse_production(Declared())


def test_an_empty_token_from_make_run_is_no_token(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=\nSTAFF_CHAT_ID=\nDATABASE_URL=sqlite+"
        "aiosqlite:///./var/lapor.db\nHOST=localhost\n"
    )
    assert refuse_production(Declared()) == "localhost"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("lapor.go.id", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_demo_settings_take_nothing_dangerous_from_outside(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    outside_key = new_data_key()
    for name, value in {
        "CASE_WEBHOOK_URL": "https://simfoni.example.go.id/hook",
        "TELEGRAM_WEBHOOK_SECRET": "secret",
        "STAFF_CHAT_ID": "-100123",
        "DATA_KEY": outside_key,
        "TELEGRAM_API_URL": "https://api.telegram.org",
        "SLA_URGENT": "1m",
        "DEFAULT_LOCALE": "en",
    }.items():
        monkeypatch.setenv(name, value)
    settings = demo_settings(tmp_path, "127.0.0.1", 8099, "http://127.0.0.1:9", Declared())
    assert settings.CASE_WEBHOOK_URL is None and settings.TELEGRAM_WEBHOOK_SECRET is None
    assert settings.PUBLIC_URL is None and not settings.webhook_mode
    assert (reveal(settings.TELEGRAM_BOT_TOKEN), settings.STAFF_CHAT_ID) == (
        DEMO_TOKEN,
        STAFF_CHAT_ID,
    )
    assert settings.TELEGRAM_API_URL == "http://127.0.0.1:9"
    assert settings.DATA_KEY is not None and reveal(settings.DATA_KEY) != outside_key
    assert settings.DATABASE_URL == f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    # Harmless ones come along, so trainers and translators can try their own values.
    assert (settings.SLA_URGENT, settings.DEFAULT_LOCALE) == (timedelta(minutes=1), "en")


def test_a_malformed_harmless_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SLA_URGENT", "soon")
    with pytest.raises(SettingsError, match="SLA_URGENT"):
        demo_settings(tmp_path, "127.0.0.1", 8099, "http://127.0.0.1:9", Declared())


def test_the_demo_token_cannot_be_a_real_one() -> None:
    bot_id, _, secret = DEMO_TOKEN.partition(":")
    assert bot_id == "0" and "DEMO" in secret  # Telegram has no bot 0


# --- the demo task force ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "primary"),
    [(8, "Rina"), (18, "Rina"), (19, "Dewi"), (23, "Dewi"), (3, "Dewi"), (7, "Rina")],
)
def test_the_demo_roster_always_has_someone_on_duty(hour: int, primary: str) -> None:
    at = datetime(2026, 3, 4, hour, 30)
    duty, backup = on_duty(at), on_duty(at, "backup")
    assert duty is not None and duty.person.name == primary
    assert backup is not None and backup.person.name == "Yusuf"


def test_the_seed_plan_uses_the_designed_cli_and_roster_format(tmp_path: Path) -> None:
    plan = seed_plan(tmp_path)
    assert [argv[:2] for argv in plan] == [["staff", "add"]] * len(STAFF) + [["roster", "import"]]
    rows = list(csv.DictReader(io.StringIO(Path(plan[-1][2]).read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["user_id", "day", "start", "end", "role"]
    assert {int(r["user_id"]) for r in rows} == {m.person.id for m in STAFF}
    assert {r["role"] for r in rows} == {"primary", "backup"}


def test_seeding_registers_staff_when_the_build_can_and_says_so_when_not(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path, "127.0.0.1", 8099, "http://127.0.0.1:9", Declared())
    (note,) = seed(settings, tmp_path)
    if {"staff", "roster"} <= cli_commands():
        assert "registered" in note
    else:
        assert "not in this build yet" in note


def test_a_taken_port_is_named_and_a_free_one_found(capsys: pytest.CaptureFixture[str]) -> None:
    taken = listen("127.0.0.1", 0)
    try:
        with pytest.raises(PortBusy, match=str(taken.getsockname()[1])):
            listen("127.0.0.1", taken.getsockname()[1])
        fallback = listen("127.0.0.1", None)  # 8080, or any free port when 8080 is taken
        assert fallback.getsockname()[1] > 0
        fallback.close()
    finally:
        taken.close()
    with pytest.raises(SystemExit):
        main(["demo", "--speed", "0"])  # time must not stand still or run backwards
    assert "1 to 3600" in capsys.readouterr().err
