"""`lapor-tppo demo` as a newcomer uses it: the real command, a real browser (Debian's chromium,
headless, driven by Playwright; nothing downloaded), a report filed through the page and handled
as staff. Screenshots go to test-artifacts/.

Skipped only when chromium is missing and LAPOR_REQUIRE_BROWSER is unset; .ci/run sets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from flows.domain.ticket import REFERENCE_PATTERN
from tests.e2e.harness import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTSIDE = ("TELEGRAM_BOT_TOKEN", "PUBLIC_URL", "HOST", "DATABASE_URL", "DEFAULT_LOCALE", "PORT")
# What the reporter answers, by the buttons' stable callback values (wording may change).
ANSWERS = [
    "no",
    "keluarga",
    "documents_held",
    "debt",
    "kecamatan",
    "sebatik_barat",
    "this_week",
    "two_five",
    "13_17",
]
ADVANCE = ["!done", "send", "!skip"]
STORY = "Paspor adik saya <ditahan> & gajinya dipotong."
PLAYABLE_SECONDS = """audio => new Promise((done) => {
  audio.onloadedmetadata = () => done(audio.duration);
  audio.onerror = () => done(-1);
  audio.preload = "auto";
  audio.load();
})"""


def require_browser() -> None:
    """Skip without chromium, unless this run must test the browser (then fail)."""
    missing = [] if CHROMIUM.exists() else ["/usr/bin/chromium (apt-get install chromium)"]
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if missing and os.environ.get("LAPOR_REQUIRE_BROWSER"):
        pytest.fail(f"LAPOR_REQUIRE_BROWSER is set but {' and '.join(missing)} is missing")
    if missing:
        pytest.skip(f"no {' or '.join(missing)}; set LAPOR_REQUIRE_BROWSER to make this fail")


def command() -> list[str]:
    script = Path(sys.executable).with_name("lapor-tppo")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli.main"]


def clean_env(**extra: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in OUTSIDE} | extra


@contextlib.asynccontextmanager
async def demo_process(folder: Path) -> AsyncIterator[str]:
    """`lapor-tppo demo` in `folder`; yields the address it prints, stops it with Ctrl-C."""
    proc = await asyncio.create_subprocess_exec(
        *command(),
        "demo",
        "--port",
        str(free_port()),
        cwd=folder,
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(90):
            while not (
                found := re.search(
                    r"open (http://127\.0\.0\.1:\d+/demo/)", lines[-1] if lines else ""
                )
            ):
                line = (await proc.stdout.readline()).decode()
                assert line, f"the demo stopped: {''.join(lines)}"
                lines.append(line)
        assert lines[0].startswith("Lapor TPPO DEMO")
        yield found.group(1)
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, rest.decode()


# --- refusing production settings (no browser needed) -------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        ("PUBLIC_URL", "https://lapor.example.go.id"),
    ],
)
async def test_the_demo_command_refuses_a_real_token_and_a_public_host(
    tmp_path: Path, name: str, value: str
) -> None:
    proc = await asyncio.create_subprocess_exec(
        *command(),
        "demo",
        cwd=tmp_path,
        env=clean_env(**{name: value}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 2 and out == b""
    assert err.decode().count("\n") == 1 and name in err.decode()
    assert list(tmp_path.iterdir()) == []


# --- the page in a browser ----------------------------------------------------------------------


async def settle(page: Any, pane: str) -> None:
    """Wait until the bot has finished answering in `pane` (its "typing…" line is gone)."""
    await page.locator(f"#{pane}[data-busy=false]").wait_for(timeout=90_000)


async def file_report(page: Any) -> tuple[str, dict[str, int]]:
    """Answer the intake through the page until a reference comes; return it and the edits seen
    on the indicators question (message id -> edit count)."""
    reporter = page.locator("#reporter")
    await reporter.locator("textarea").fill("/start")
    await reporter.get_by_role("button", name=re.compile("^(Kirim|Send)$")).click()
    await settle(page, "reporter")
    unused, edits = list(ANSWERS), dict[str, int]()
    for _turn in range(40):
        log = await reporter.locator(".log").inner_text()
        if found := re.search(REFERENCE_PATTERN, log):
            return found.group(), edits
        question = reporter.locator("li.msg.from-bot:has(.kb)").last
        values = {
            (await b.get_attribute("data-callback") or "").rsplit("|", 1)[-1]: b
            for b in await question.locator("button[data-callback]").all()
        }
        mid = await question.get_attribute("data-mid")
        pick = next((v for v in unused if v in values), None)
        if pick is None and any(
            d.startswith("1|st|")
            for d in [await b.get_attribute("data-callback") or "" for b in values.values()]
        ):
            await reporter.locator("textarea").fill(STORY)
            await reporter.locator("textarea").press("Enter")
        else:
            pick = pick or next(v for v in ADVANCE if v in values)
            if pick in unused:
                unused.remove(pick)
            before = int(await question.get_attribute("data-edits") or 0)
            handle = await question.element_handle()
            await values[pick].click()
            await settle(page, "reporter")
            if pick in ("documents_held", "debt"):  # toggles edit the question in place
                assert await handle.evaluate("node => node.isConnected")
                assert int(await handle.get_attribute("data-edits") or 0) == before + 1
                assert await reporter.locator(f'li[data-mid="{mid}"]').count() == 1
                edits[str(mid)] = before + 1
            continue
        await settle(page, "reporter")
    raise AssertionError("no reference after 40 answers")


async def act_as_staff(page: Any, reference: str) -> str:
    """See the card arrive, claim it as the staff member on duty; return what became of it."""
    group = page.locator("#group")
    # The card itself: its topic's opening message and later notes name the reference too.
    heading = re.compile(rf"(Laporan baru|New report) {reference}")
    card = group.locator("li.msg.from-bot", has_text=heading).first
    await card.wait_for(timeout=120_000)
    assert await card.locator(".tag.protected").count() == 1  # cards go out protected
    assert await group.locator("li.msg", has_text=STORY.split("<")[0]).count() == 1
    handle = await card.element_handle()
    edits_before = int(await card.get_attribute("data-edits") or 0)
    buttons = await card.locator("button[data-callback]").all()
    await group.locator("input[name=text]").fill(f"/ambil {reference}")
    await group.locator("input[name=text]").press("Enter")
    await settle(page, "group")
    assert await group.locator("li.msg.mine", has_text=f"/ambil {reference}").count() == 1
    if buttons:  # staff triage is in this build: claiming must edit the card in place
        datas = [await b.get_attribute("data-callback") or "" for b in buttons]
        claim = next(
            (b for b, d in zip(buttons, datas, strict=True) if re.search("claim|ambil|ack", d)),
            buttons[0],
        )
        await claim.click()
        await settle(page, "group")
    edited = int(await card.get_attribute("data-edits") or 0) > edits_before
    if buttons or edited:
        assert edited, "pressing a card button edits the card"
        assert await handle.evaluate("node => node.isConnected"), "in place, not a new message"
        assert await group.locator("li.msg.from-bot", has_text=reference).count() >= 1
        return "card edited in place"
    return "no staff actions on cards in this build yet: the card arrived, /ambil was sent"


async def test_a_report_filed_through_the_page_and_handled_as_staff(tmp_path: Path) -> None:
    require_browser()
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with demo_process(tmp_path) as url, async_playwright() as playwright:
        browser = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = browser.pages[0] if browser.pages else await browser.new_page()
            requests: list[str] = []
            problems: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            await page.goto(url)
            await page.locator("body[data-ready=true]").wait_for(timeout=30_000)
            assert "DEMO" in await page.locator("#demo-flag").inner_text()

            reference, edits = await file_report(page)
            assert edits, "the indicator question was edited in place"
            outcome = await act_as_staff(page, reference)
            print(f"staff side: {outcome}")

            reporter = page.locator("#reporter")
            await reporter.get_by_role("button", name=re.compile("foto|photo")).click()
            await settle(page, "reporter")
            photo = reporter.locator("li.msg.mine img").last
            assert await photo.evaluate("img => img.complete && img.naturalWidth") == 320
            await reporter.get_by_role("button", name=re.compile("suara|voice")).click()
            await settle(page, "reporter")
            voice = reporter.locator("li.msg.mine audio").last
            assert 1.5 < await voice.evaluate(PLAYABLE_SECONDS) < 2.5  # a real Ogg Opus note
            await reporter.get_by_role("button", name=re.compile("lokasi|location")).click()
            await settle(page, "reporter")
            assert await reporter.locator("li.msg.mine .place").count() == 1

            await page.screenshot(path=str(ARTIFACTS / "demo-desktop.png"), full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})
            await page.locator("#reporter").scroll_into_view_if_needed()
            await page.screenshot(path=str(ARTIFACTS / "demo-phone.png"))
            assert await page.evaluate("() => document.documentElement.scrollWidth") <= 390
            await check_accessibility(page)
        finally:
            await browser.close()
    assert problems == []
    assert all(r.startswith(url.removesuffix("demo/")) for r in requests), "nothing external"


async def check_accessibility(page: Any) -> None:
    """Every control has a name, chats are logs, and the keyboard reaches the composer."""
    for control in await page.locator("input, select, textarea").all():
        if await control.is_visible():
            named = await control.evaluate(
                "c => Boolean(c.labels && c.labels.length) || c.hasAttribute('aria-label')"
            )
            assert named, await control.evaluate("c => c.outerHTML")
    assert await page.locator("ol.log[role=log]").count() == 3
    await page.locator("#page-lang").focus()
    for _ in range(60):
        await page.keyboard.press("Tab")
        if await page.locator("#reporter textarea").evaluate("t => t === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reaches the reporter's message box")
