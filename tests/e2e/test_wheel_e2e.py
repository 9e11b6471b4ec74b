"""The built wheel, installed into a fresh virtual environment, runs a whole report.

An installed `lapor-tppo run` has no source tree beside it: its catalogs, migrations and intake
catalog must all be inside the wheel. The dependencies come from this environment (through a
.pth file, without its editable install of this project), so no network is needed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from flows.domain.ticket import REFERENCE_PATTERN
from tests.e2e.harness import STAFF_CHAT_ID, START_REPLIES
from tests.e2e.proc import ROOT, BotProcess
from tests.fakes import FakeBotApi

SHIPPED = ("pyproject.toml", "README.md", "bot", "flows", "storage", "locales")
SKIP = (
    "1|ro|!skip",
    "1|in|!skip",
    "1|pk|!skip",
    "1|wh|!skip",
    "1|vc|!skip",
    "1|va|!skip",
    "1|st|!skip",
)


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_and_install(tmp: Path) -> Path:
    """Build the wheel from a copy of the sources, install it in a fresh venv; its bin/."""
    source = tmp / "source"
    for name in SHIPPED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(
                path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", source)
    (wheel,) = (tmp / "dist").glob("lapor_tppo-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(
        venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel
    )
    purelib = _run(
        venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    ).strip()
    (Path(purelib) / "_lapor_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


async def test_the_installed_wheel_files_a_report(fake: FakeBotApi, tmp_path: Path) -> None:
    bin_dir = build_and_install(tmp_path)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    where = _run(
        bin_dir / "python",
        "-c",
        "import bot, flows, storage; print(bot.__file__, flows.__file__)",
        cwd=empty,
    )
    assert str(ROOT) not in where and str(tmp_path / "venv") in where, where
    bot = BotProcess(fake, empty, command=[str(bin_dir / "lapor-tppo"), "run"])
    try:
        await bot.start(timeout=60)
        user = fake.user(user_id=6601)
        await user.send_text("/start")
        await user.wait_for_reply(count=START_REPLIES, timeout=20)
        await user.press_data("1|dg|no")
        for data in SKIP:
            await user.press_data(data)
        await fake.wait_for(
            lambda: "check the report" in str(user.last_text()), timeout=30, what="the review"
        )
        await user.press("Send report")
        # Everything was skipped, so the bot asks once whether to send a report that says little.
        await fake.wait_for(
            lambda: "says nothing yet" in str(user.last_text()), timeout=30, what="the check"
        )
        await user.press("Send anyway")
        await fake.wait_for(
            lambda: any(re.search(REFERENCE_PATTERN, t) for t in user.texts()),
            timeout=30,
            what="the confirmation",
        )
        await fake.wait_for(lambda: fake.messages_in(STAFF_CHAT_ID), timeout=30, what="card")
    finally:
        bot.kill()
        print(bot.log_tail())
    # The Indonesian catalog shipped: the menu for Indonesian clients is in Indonesian.
    menu = fake.commands[("all_private_chats", "id")]
    assert any(c["description"] == "Buat laporan baru" for c in menu), menu
    assert fake.failed_calls() == []
