"""The stand-in on HTTP: `/bot<token>/<method>` and `/file/bot<token>/<path>`, as Telegram serves.

PTB posts form fields (JSON-encoded unless they are strings) or multipart with files; plain JSON
bodies work too. Only the demo's own token is accepted.
"""

from __future__ import annotations

import json
from email.message import Message as MimeHeaders
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.demo.standin.errors import ApiError
from bot.demo.standin.methods import BotApi, Uploads

# Parameters that are strings even when they look like JSON ("123", "true").
_TEXTUAL = frozenset(
    {
        "text",
        "caption",
        "question",
        "explanation",
        "title",
        "name",
        "description",
        "address",
        "first_name",
        "last_name",
        "vcard",
        "query",
        "emoji",
        "parse_mode",
        "callback_query_id",
        "url",
        "short_description",
        "phone_number",
        "action",
        "file_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "foursquare_id",
        "google_place_id",
        "secret_token",
        "language_code",
        "icon_custom_emoji_id",
    }
)


def _value(name: str, raw: str) -> Any:
    if name in _TEXTUAL:
        return raw
    try:
        decoded = json.loads(raw)
    except ValueError:
        return raw
    return raw if isinstance(decoded, str) else decoded


def _multipart(ctype: str, body: bytes) -> tuple[dict[str, str], Uploads]:
    headers = MimeHeaders()
    headers["content-type"] = ctype
    boundary = headers.get_param("boundary")
    if not isinstance(boundary, str):
        raise ApiError(400, "Bad Request: multipart boundary is missing")
    fields: dict[str, str] = {}
    uploads: Uploads = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n").partition(b"\r\n\r\n")
        part = MimeHeaders()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            part[key.strip()] = value.strip()
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode("utf-8", "replace")
        else:
            uploads[name] = (filename, part.get_content_type(), data)
    return fields, uploads


def decode(ctype: str, body: bytes, query: dict[str, str]) -> tuple[dict[str, Any], Uploads]:
    """The call's parameters (typed) and uploaded files."""
    mime = ctype.split(";")[0].strip().lower()
    fields: dict[str, Any] = dict(query)
    uploads: Uploads = {}
    if mime == "application/json" and body.strip():
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Bad Request: JSON request must be an object")
        return {**{k: _value(k, v) for k, v in fields.items()}, **data}, uploads
    if mime == "multipart/form-data":
        parts, uploads = _multipart(ctype, body)
        fields.update(parts)
    elif body.strip():
        fields.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return {k: _value(k, str(v)) for k, v in fields.items()}, uploads


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": exc.code, "description": exc.description}, status_code=exc.code
    )


def standin_app(api: BotApi, token: str) -> Starlette:
    """The Bot API stand-in as an ASGI app for the bot (its own loopback port)."""

    async def method(request: Request) -> Response:
        if request.path_params["token"] != token:
            return _error(ApiError(401, "Unauthorized"))
        try:
            params, uploads = decode(
                request.headers.get("content-type", ""),
                await request.body(),
                dict(request.query_params),
            )
            name = str(request.path_params["method"])
            if name.lower() == "getupdates":
                offset = params.get("offset")
                result: Any = await api.world.take_updates(
                    int(offset) if offset not in (None, "") else None,
                    int(params.get("limit") or 100),
                    float(params.get("timeout") or 0),
                )
            else:
                result = api.call(name, params, uploads)
        except ApiError as exc:
            return _error(exc)
        except (TypeError, ValueError, KeyError, AttributeError):
            return _error(ApiError(400, "Bad Request: wrong parameter type"))
        return JSONResponse({"ok": True, "result": result})

    async def file(request: Request) -> Response:
        stored = api.world.file_by_path(str(request.path_params["path"]))
        if request.path_params["token"] != token or stored is None:
            return _error(ApiError(404, "Not Found"))
        return Response(stored.data, media_type=stored.mime_type)

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", file, methods=["GET"]),
        ]
    )
