"""The demo page's HTTP side: what it serves, who may drive it, and the fast clock."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from bot.demo import web
from bot.demo.cast import REPORTERS, STAFF_CHAT_ID
from bot.demo.config import Declared
from bot.demo.run import running_demo

SITI = REPORTERS[0].id


@pytest.fixture(autouse=True)
def no_outside_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "PUBLIC_URL", "HOST", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


async def test_the_page_its_guard_and_the_fast_clock(tmp_path: Path) -> None:
    async with (
        running_demo(tmp_path, port=0, declared=Declared()) as demo,
        httpx.AsyncClient(base_url=demo.url.removesuffix("/demo/")) as client,
    ):
        page = await client.get("/demo/")
        assert page.status_code == 200 and "DEMO" in page.text
        # The page may load nothing from anywhere but the demo itself.
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "http" not in page.text.replace("http-equiv", "")
        for asset in (
            "demo.js",
            "base.js",
            "messages.js",
            "pane.js",
            "demo.css",
            "strings.json",
            "favicon.svg",
        ):
            assert (await client.get(f"/demo/static/{asset}")).status_code == 200
        assert (await client.get("/")).headers["location"] == "/demo/"
        assert (await client.get("/healthz")).json() == {"status": "ok"}  # the real app

        config = (await client.get("/demo/api/config")).json()
        assert config["staff_chat"] == STAFF_CHAT_ID and len(config["scenarios"]) == 5

        # Only this page on loopback may drive it: not another site, not another host name.
        act = {"person": SITI, "chat": SITI, "kind": "text", "text": "/start"}
        assert (
            await client.post("/demo/api/act", json=act, headers={"Origin": "https://evil.example"})
        ).status_code == 403
        assert (
            await client.get("/demo/api/config", headers={"Host": "demo.evil.example"})
        ).status_code == 403
        assert (
            await client.post(
                "/demo/api/act", content=b"person=1", headers={"Content-Type": "text/plain"}
            )
        ).status_code == 415
        assert (
            await client.post("/demo/api/act", json={**act, "chat": STAFF_CHAT_ID})
        ).status_code == 400  # a reporter is not in the staff group
        answered = await client.post("/demo/api/act", json=act)
        assert answered.status_code == 200 and answered.json()["update_id"] > 0
        assert await demo.parts.activity.idle(SITI, 60)
        assert any(
            m.get("text")
            for m in demo.parts.world.chats[SITI].messages.values()
            if m["from"]["id"] != SITI
        ), "the bot answered through the whole pipeline"

        events = (await client.get("/demo/api/events", params={"after": 0})).json()
        kinds = {e["kind"] for e in events["events"]}
        assert {"person", "chat", "message", "busy", "commands"} <= kinds
        assert not events["reset"]
        # A page left open across a restart of the demo starts over.
        stale_queries: list[dict[str, str | int]] = [
            {"after": 0, "run": "earlier-run"},
            {"after": 10**6},
        ]
        for stale in stale_queries:
            assert (await client.get("/demo/api/events", params=stale)).json() == {
                "events": [],
                "reset": True,
            }

        before = (await client.post("/demo/api/clock", json={"factor": 60})).json()
        assert before["factor"] == 60 and before["on_duty"] is not None
        await asyncio.sleep(1.0)
        after = (await client.get("/demo/api/clock")).json()
        gone = datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"])
        assert gone.total_seconds() >= 50  # a real second is a minute
        assert demo.parts.clock.factor == 60
        assert (await client.post("/demo/api/clock", json={"factor": 0})).status_code == 422

        started = await client.post("/demo/api/scenarios/everyday", json={})
        assert started.json() == {"started": "everyday"}
        assert (await client.post("/demo/api/scenarios/nope", json={})).status_code == 404
        new = (await client.post("/demo/api/reporters", json={})).json()
        assert new["role"] == "reporter" and new["id"] in demo.parts.world.chats


async def test_files_are_shown_only_when_harmless(tmp_path: Path) -> None:
    async with (
        running_demo(tmp_path, port=0, declared=Declared()) as demo,
        httpx.AsyncClient(base_url=demo.url.removesuffix("/demo/")) as client,
    ):
        world = demo.parts.world
        picture = world.store_file(b"\x89PNG\r\n\x1a\n", "image/png", "photos", ".png")
        page = world.store_file(b"<script>alert(1)</script>", "text/html", "documents", ".html")
        shown = await client.get(f"/demo/api/files/{picture.file_id}")
        assert shown.headers["content-type"] == "image/png"
        kept = await client.get(f"/demo/api/files/{page.file_id}")
        assert kept.headers["content-type"] == "application/octet-stream"
        assert kept.headers["content-disposition"] == "attachment"
        assert (await client.get("/demo/api/files/DEMO-FILE-nope")).status_code == 404
        # Byte ranges, which the browser's audio player uses to find a voice note's length.
        part = await client.get(
            f"/demo/api/files/{picture.file_id}", headers={"Range": "bytes=1-3"}
        )
        assert (part.status_code, part.content) == (206, b"PNG")
        assert part.headers["content-range"] == "bytes 1-3/8"
        tail = await client.get(f"/demo/api/files/{picture.file_id}", headers={"Range": "bytes=-2"})
        assert tail.content == b"\x1a\n"
        beyond = await client.get(
            f"/demo/api/files/{picture.file_id}", headers={"Range": "bytes=9-"}
        )
        assert beyond.status_code == 416


def test_the_page_speaks_indonesian_and_english_alike() -> None:
    static = Path(web.__file__).with_name("static")
    strings = json.loads((static / "strings.json").read_text(encoding="utf-8"))
    assert set(strings) == {"id", "en"} and set(strings["id"]) == set(strings["en"])
    for key, text in strings["id"].items():
        assert text.strip() and strings["en"][key].strip(), key
        assert re.findall(r"{\w+}", text) == re.findall(r"{\w+}", strings["en"][key]), key
    used = set(
        re.findall(
            r'data-t(?:-label|-placeholder)?="(\w+)"',
            (static / "index.html").read_text(encoding="utf-8"),
        )
    )
    for script in static.glob("*.js"):
        used |= set(re.findall(r'\bt\("(\w+)"', script.read_text(encoding="utf-8")))
    assert used - set(strings["id"]) == set()
