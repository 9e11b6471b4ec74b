"""HTTP plumbing of the fake: request body decoding and raw ASGI responses."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from email.message import Message as MimeHeaders
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.botapi_validate import Upload
from tests.fakes.errors import bad_request

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class SimulatedConnectionDrop(Exception):
    """Raised after the response started so the server closes the connection mid-response."""


class _DropFilter(logging.Filter):
    """Hide uvicorn's traceback for connections the fake drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record except those caused by SimulatedConnectionDrop."""
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, SimulatedConnectionDrop)


def install_drop_filter() -> None:
    """Attach the filter once to uvicorn's error logger."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())


async def read_body(receive: Receive) -> bytes:
    """Read the whole request body."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def header(scope: Scope, name: str) -> str:
    """A request header (latin-1 decoded), '' when absent."""
    wanted = name.lower().encode()
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return str(value.decode("latin-1"))
    return ""


def parse_request(scope: Scope, body: bytes) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Decode query string + JSON, urlencoded or multipart body into (params, uploads)."""
    params: dict[str, Any] = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    uploads: dict[str, Upload] = {}
    ctype = header(scope, "content-type")
    mime = ctype.split(";")[0].strip().lower()
    if not body.strip():
        return params, uploads
    if mime == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise bad_request("can't parse JSON encoded request") from exc
        if not isinstance(decoded, dict):
            raise bad_request("JSON request must be an object")
        params.update(decoded)
    elif mime == "multipart/form-data":
        fields, uploads = _parse_multipart(ctype, body)
        params.update(fields)
    else:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params, uploads


def _parse_multipart(ctype: str, body: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    """Split a multipart/form-data body into text fields and file uploads (byte-exact)."""
    headers = MimeHeaders()
    headers["content-type"] = ctype
    boundary = headers.get_param("boundary")
    if not isinstance(boundary, str):
        raise bad_request("multipart boundary is missing")
    fields: dict[str, str] = {}
    uploads: dict[str, Upload] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, data = chunk.partition(b"\r\n\r\n")
        part = MimeHeaders()
        for line in head.decode("utf-8").split("\r\n"):
            key, _, value = line.partition(":")
            part[key.strip()] = value.strip()
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode("utf-8")
        else:
            uploads[name] = Upload(filename, part.get_content_type(), data)
    return fields, uploads


async def send_bytes(
    send: Send, status: int, body: bytes, content_type: str = "application/json"
) -> None:
    """Send a complete HTTP response."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, payload: dict[str, Any]) -> None:
    """Send a JSON response."""
    await send_bytes(send, status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


async def drop_connection(send: Send) -> None:
    """Start a response, then abort so the client sees a broken connection."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"ok":', "more_body": True})
    raise SimulatedConnectionDrop("connection dropped by fake Bot API")
