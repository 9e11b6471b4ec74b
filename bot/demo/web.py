"""The demo page and its API, mounted on the real application's FastAPI app.

The page is static (HTML, CSS and JS shipped in the package, nothing from the internet). It
replays the stand-in's change log by long polling `/demo/api/events` and acts through
`/demo/api/act`; every action becomes a Telegram update on the same path as production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from bot.demo.activity import Activity
from bot.demo.cast import BOT_USER, STAFF, STAFF_CHAT_ID, new_reporter, on_duty
from bot.demo.config import is_loopback
from bot.demo.player import Player
from bot.demo.standin.acting import ActError, Acting
from bot.demo.standin.world import World
from bot.infra.clock import ScaledClock
from bot.infra.settings import Settings

STATIC = Path(__file__).with_name("static")
LONG_POLL = 20.0
# Nothing but our own origin: the page works offline and cannot be made to load anything else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "media-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_SHOWN_INLINE = (
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "audio/ogg",
    "audio/mpeg",
    "video/mp4",
)
# Places a reporter can share (approximate), from both sides of the border.
PLACES = (
    ("Pelabuhan Tunon Taka, Nunukan", 4.1376, 117.6659),
    ("Sungai Nyamuk, Sebatik", 4.0848, 117.8813),
    ("Tawau, Sabah", 4.2448, 117.8912),
    ("Lahad Datu, Sabah", 5.0268, 118.3270),
)


@dataclass
class DemoParts:
    """What the demo routes work with."""

    settings: Settings
    world: World
    acting: Acting
    activity: Activity
    player: Player
    clock: ScaledClock


class Act(BaseModel):
    """One thing a person does on the page."""

    person: int
    chat: int
    kind: Literal["text", "press", "photo", "voice", "location"]
    text: str = Field(default="", max_length=4096)
    data: str = Field(default="", max_length=64)
    message_id: int = 0
    thread: int | None = None
    latitude: float = 0.0
    longitude: float = 0.0


class Speed(BaseModel):
    """How fast the demo clock runs."""

    factor: float = Field(ge=1, le=3600)


def _clock_view(parts: DemoParts) -> dict[str, Any]:
    local = parts.clock.now().astimezone(parts.settings.zone)
    duty = on_duty(local)
    return {
        "factor": parts.clock.factor,
        "now": local.isoformat(),
        "on_duty": duty.person.id if duty else None,
    }


def _config(parts: DemoParts) -> dict[str, Any]:
    return {
        "run": parts.world.run_id,
        "bot": BOT_USER,
        "locale": parts.settings.DEFAULT_LOCALE,
        "timezone": parts.settings.TIMEZONE,
        "staff_chat": STAFF_CHAT_ID,
        "staff": [
            m.person.view()
            | {
                "register_role": m.role,
                "shifts": [f"{s.day} {s.start:%H:%M}-{s.end:%H:%M} {s.role}" for s in m.shifts],
            }
            for m in STAFF
        ],
        "scenarios": [
            {"id": s.id, "title": s.title, "reports": s.copies if s.plays else 1}
            for s in parts.player.book.scenarios.values()
        ],
        "places": [{"name": n, "latitude": lat, "longitude": lon} for n, lat, lon in PLACES],
        "clock": _clock_view(parts),
    }


def _do(parts: DemoParts, act: Act) -> int:
    acting = parts.acting
    if act.kind == "text":
        return acting.text(act.person, act.chat, act.text, act.thread)
    if act.kind == "press":
        return acting.press(act.person, act.chat, act.message_id, act.data)
    if act.kind == "photo":
        return acting.photo(act.person, act.chat, act.text, act.thread)
    if act.kind == "voice":
        return acting.voice(act.person, act.chat, act.thread)
    return acting.location(act.person, act.chat, act.latitude, act.longitude, act.thread)


def _guard(request: Request) -> None:
    """Only this page, on loopback: no other site can drive the demo from a visitor's browser."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0]
    if not is_loopback(host):
        raise HTTPException(403, "the demo answers on its loopback address only")
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host')}":
        raise HTTPException(403, "cross-site request")
    if request.method == "POST" and not request.headers.get("content-type", "").startswith(
        "application/json"
    ):
        raise HTTPException(415, "send JSON")


def _file_response(data: bytes, mime_type: str, asked: str | None) -> Response:
    """A stored file; pictures and sound inline, the rest as a download. Byte ranges are
    served, so that the browser's audio player can find a voice note's length."""
    inline = mime_type in _SHOWN_INLINE
    headers = {
        "Content-Disposition": "inline" if inline else "attachment",
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
    }
    media_type = mime_type if inline else "application/octet-stream"
    found = re.fullmatch(r"bytes=(\d*)-(\d*)", (asked or "").strip())
    if found is None or not any(found.groups()):
        return Response(data, media_type=media_type, headers=headers)
    first, last = found.groups()
    start = int(first) if first else max(len(data) - int(last), 0)
    end = min(int(last), len(data) - 1) if first and last else len(data) - 1
    if start > end:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{len(data)}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    return Response(data[start : end + 1], status_code=206, media_type=media_type, headers=headers)


def mount_demo(app: FastAPI, parts: DemoParts) -> None:
    """Add the page (`/demo/`), its assets and its API to `app`."""
    # The guard runs before any body is read or validated.
    api = APIRouter(prefix="/demo/api", dependencies=[Depends(_guard)])

    @api.get("/config")
    async def config() -> dict[str, Any]:
        return _config(parts)

    @api.get("/events")
    async def events(after: int = 0, run: str = "") -> dict[str, Any]:
        world = parts.world
        if (run and run != world.run_id) or after > world.seq:
            return {"events": [], "reset": True}  # another run of the demo: start over
        found = await world.changes_after(after, LONG_POLL)
        return {"events": found, "reset": bool(found) and found[0]["seq"] > after + 1}

    @api.get("/clock")
    async def clock() -> dict[str, Any]:
        return _clock_view(parts)

    @api.post("/clock")
    async def set_clock(speed: Speed) -> dict[str, Any]:
        parts.clock.set_factor(speed.factor)
        return _clock_view(parts)

    @api.post("/act")
    async def act(body: Act) -> dict[str, Any]:
        try:
            return {"update_id": _do(parts, body)}
        except ActError as exc:
            raise HTTPException(400, str(exc)) from None

    @api.post("/reporters")
    async def add_reporter() -> dict[str, Any]:
        number = sum(p.role == "reporter" for p in parts.world.people.values()) + 1
        person = new_reporter(f"Pelapor {number}")
        parts.world.add_person(person)
        return person.view()

    @api.post("/scenarios/{scenario_id}")
    async def scenario(scenario_id: str) -> dict[str, Any]:
        if scenario_id not in parts.player.book.scenarios:
            raise HTTPException(404, "no such scenario")
        parts.player.start(scenario_id, pace=0.6)
        return {"started": scenario_id}

    @api.get("/files/{file_id}")
    async def file(file_id: str, request: Request) -> Response:
        stored = parts.world.files.get(file_id)
        if stored is None:
            raise HTTPException(404, "no such file")
        return _file_response(stored.data, stored.mime_type, request.headers.get("range"))

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/demo/")

    @app.get("/demo/", include_in_schema=False)
    async def page(request: Request) -> Response:
        _guard(request)
        return FileResponse(
            STATIC / "index.html",
            headers={
                "Content-Security-Policy": CSP,
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    app.include_router(api)
    app.mount("/demo/static", StaticFiles(directory=STATIC), name="demo-static")
