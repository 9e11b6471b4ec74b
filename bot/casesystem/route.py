"""The FastAPI route of inbound case-system events, described for the OpenAPI document."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.casesystem.inbound import MAX_BODY, MAX_CASE_ID, MAX_MESSAGE
from bot.runtime.aio import describe
from flows.domain.caselink import CASE_STATUSES
from flows.domain.ticket import REFERENCE_LENGTH, REFERENCE_PATTERN

log = logging.getLogger(__name__)
router = APIRouter()

_HEADER = {"in": "header", "required": True, "schema": {"type": "string"}}
_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "data"],
    "properties": {
        "type": {"type": "string", "enum": ["case.updated"]},
        "data": {
            "type": "object",
            "required": ["reference", "status"],
            "properties": {
                # The length too: some validators' `$` also matches before a final newline.
                "reference": {
                    "type": "string",
                    "pattern": f"^{REFERENCE_PATTERN}$",
                    "maxLength": REFERENCE_LENGTH,
                },
                "status": {"type": "string", "enum": list(CASE_STATUSES)},
                "case_id": {"type": "string", "minLength": 1, "maxLength": MAX_CASE_ID},
                "message": {"type": "string", "maxLength": MAX_MESSAGE},
            },
        },
    },
}
_ANSWER = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"ok": {"type": "boolean"}, "detail": {"type": "string"}},
            }
        }
    }
}


@router.post(
    "/case/events",
    summary="A status change from the case system",
    description=(
        "Signed with CASE_INBOUND_SECRET following Standard Webhooks (webhook-id, "
        "webhook-timestamp within 5 minutes, webhook-signature v1). Updates the ticket's "
        "status and case id, tells the task force, and relays `message` to the reporter "
        "when they chose follow-up. A webhook-id repeated within 7 days is a 200 no-op. "
        "404 when the route is disabled (no CASE_INBOUND_SECRET) or the reference is unknown. "
        "Strings must be Unicode text: a lone surrogate escape such as \\ud800 is a 422."
    ),
    responses={
        200: {"description": "applied, or a repeat of an event already applied", **_ANSWER},
        400: {"description": "the body is not JSON", **_ANSWER},
        401: {"description": "missing, stale or invalid signature", **_ANSWER},
        404: {"description": "unknown reference, or the route is disabled", **_ANSWER},
        413: {"description": "the body is too large", **_ANSWER},
        422: {"description": "the JSON is not a case.updated event", **_ANSWER},
        503: {"description": "the database did not answer: send it again later", **_ANSWER},
    },
    openapi_extra={
        "parameters": [
            {"name": "webhook-id", **_HEADER},
            {"name": "webhook-timestamp", **_HEADER},
            {"name": "webhook-signature", **_HEADER},
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _BODY_SCHEMA}},
        },
    },
)
async def case_events(request: Request) -> JSONResponse:
    """Verify and apply one event from the case system."""
    inbound = getattr(request.app.state.services, "case_inbound", None)
    if inbound is None:
        return JSONResponse({"ok": False, "detail": "not enabled"}, status_code=404)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return JSONResponse({"ok": False, "detail": "too large"}, status_code=413)
        chunks.append(chunk)
    metrics = request.app.state.services.metrics
    try:
        answer = await inbound.handle(b"".join(chunks), request.headers)
    except Exception as exc:  # the database failed: the case system sends it again later
        log.error("case event not applied: %s", describe(exc))
        metrics.case_rejected.labels("503").inc()
        return JSONResponse({"ok": False, "detail": "try again later"}, status_code=503)
    if answer.status >= 300:
        metrics.case_rejected.labels(str(answer.status)).inc()
    return JSONResponse(
        {"ok": answer.status < 300, "detail": answer.detail}, status_code=answer.status
    )
