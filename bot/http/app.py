"""The FastAPI application: Telegram webhook, health, readiness and metrics."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.casesystem.route import router as case_router
from bot.http.metrics import add_metrics_route
from bot.infra.settings import Settings, reveal
from bot.runtime.services import Services
from storage.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1_000_000
# Telegram's update ids fit the inbox's 64-bit key; a larger one is not a Telegram update.
MAX_UPDATE_ID = 2**63 - 1
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


# The bodies of /readyz, for the OpenAPI document.
_READY: dict[str, Any] = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ready"]}},
}
_NOT_READY: dict[str, Any] = {
    "type": "object",
    "required": ["status", "problems"],
    "properties": {
        "status": {"type": "string", "enum": ["unavailable"]},
        "problems": {"type": "array", "items": {"type": "string"}},
    },
}


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"ok": False, "detail": detail}, status_code=status)


def _secret_ok(settings: Settings, given: str | None) -> bool:
    expected = reveal(settings.TELEGRAM_WEBHOOK_SECRET)
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def _parse(body: bytes) -> tuple[dict[str, Any], str] | None:
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("update_id"), int)
        or isinstance(data.get("update_id"), bool)
        or not 0 <= data["update_id"] <= MAX_UPDATE_ID
    ):
        return None
    return data, text


async def _read_capped(request: Request, cap: int) -> bytes | None:
    """The body, or None as soon as it grows past `cap` bytes, whatever the headers said.

    A chunked body declares no length, so the cap is applied while streaming: nothing larger
    than `cap` is ever held in memory.
    """
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """The HTTP application; it builds and runs the services for its lifetime."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc = services or Services.build(settings)
        app.state.services = svc
        await svc.start()
        try:
            yield
        finally:
            await svc.close()

    app = FastAPI(
        title="Lapor TPPO", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )

    app.include_router(case_router)

    @app.post("/telegram/webhook", include_in_schema=False)
    async def telegram_webhook(request: Request) -> JSONResponse:
        response = await webhook(request)
        if response.status_code != 200:
            request.app.state.services.metrics.rejected.labels(str(response.status_code)).inc()
        return response

    async def webhook(request: Request) -> JSONResponse:
        if not _secret_ok(settings, request.headers.get(SECRET_HEADER)):
            return _error(403, "forbidden")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_UPDATE_BYTES):
            return _error(413, "update too large")
        body = await _read_capped(request, MAX_UPDATE_BYTES)
        if body is None:
            return _error(413, "update too large")
        parsed = _parse(body)
        if parsed is None:
            return _error(400, "not a Telegram update")
        try:
            await request.app.state.services.writer.submit(*parsed)
        except DatabaseUnavailable:
            # Telegram delivers the update again later.
            return _error(503, "storage unavailable")
        return JSONResponse({"ok": True})

    @app.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Readiness: the database takes writes, messages flow, Telegram is set up",
        responses={
            200: {
                "description": "ready",
                "content": {"application/json": {"schema": _READY}},
            },
            503: {
                "description": "not ready: `problems` says why",
                "content": {"application/json": {"schema": _NOT_READY}},
            },
        },
    )
    async def readyz(request: Request) -> JSONResponse:
        problems = await request.app.state.services.problems()
        if problems:
            log.warning("not ready: %s", "; ".join(problems))
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    add_metrics_route(app, settings)
    return app
