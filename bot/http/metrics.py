"""GET /metrics: the Prometheus text format, cheap to scrape and never a 500."""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from bot.infra.settings import Settings, reveal
from bot.metrics.scrape import CONTENT_TYPE, render, snapshot


def _allowed(settings: Settings, header: str | None) -> bool:
    token = reveal(settings.METRICS_TOKEN)
    if not token:
        return True
    given = (header or "").removeprefix("Bearer ").encode()
    return hmac.compare_digest(given, token.encode())


def add_metrics_route(app: FastAPI, settings: Settings) -> None:
    """Serve /metrics from the app's services (their counters, their database)."""

    @app.get(
        "/metrics",
        summary="Metrics in the Prometheus text format",
        response_class=PlainTextResponse,
        responses={
            200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
            403: {
                "description": "METRICS_TOKEN is set and the bearer token is not it",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
        },
    )
    async def metrics(request: Request) -> Response:
        if not _allowed(settings, request.headers.get("authorization")):
            return Response("forbidden\n", status_code=403, media_type="text/plain")
        services = request.app.state.services
        snap = await snapshot(
            services.metrics, services.db, services.clock.now(), services.metric_sources
        )
        return Response(render(services.metrics, snap), media_type=CONTENT_TYPE)
