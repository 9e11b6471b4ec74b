"""The HTTP side of the fake Bot API: routing, fault injection, validation and recording."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from tests.fakes import (  # noqa: F401 (registers handlers)
    botapi_forum,
    botapi_media,
    botapi_methods,
    botapi_methods_more,
)
from tests.fakes.botapi_http import (
    BAD_GATEWAY_HTML,
    Receive,
    Scope,
    Send,
    drop_connection,
    parse_request,
    read_body,
    send_bytes,
    send_json,
)
from tests.fakes.botapi_state import Store
from tests.fakes.botapi_validate import Upload, Validator
from tests.fakes.errors import ApiError
from tests.fakes.ratelimit import Clock, RateLimiter, Violation
from tests.fakes.spec import Definition, Spec

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotApi

_API_PATH = re.compile(r"^/bot([^/]*)/([^/]*)$")
_FILE_PATH = re.compile(r"^/file/bot([^/]*)/(.+)$")
_UNAUTHORIZED = ApiError(401, "Unauthorized")
_NOT_FOUND = ApiError(404, "Not Found")
_STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    time: float
    status: int
    response: dict[str, Any] | None = None
    injected: bool = False
    client_gone: bool = False

    @property
    def ok(self) -> bool:
        """Whether Telegram would have answered ok=true."""
        return self.status == 200


@dataclass
class Fault:
    """A failure to inject into the next matching calls."""

    method: str
    kind: str
    times: int
    status: int = 500
    retry_after: int = 1
    description: str | None = None
    seconds: float = 0.0
    after_processing: bool = False


@dataclass
class _Reply:
    """The HTTP answer to one call (drop: break the connection instead)."""

    status: int
    body: bytes
    content_type: str = "application/json"
    drop: bool = False

    @staticmethod
    def json(status: int, payload: dict[str, Any]) -> _Reply:
        """A JSON answer."""
        return _Reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


async def _disconnected(receive: Receive) -> None:
    """Return once the client has closed the connection."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _is_send(method: str) -> bool:
    """Methods counted by Telegram's flood limits."""
    name = method.lower()
    return (name.startswith("send") and name != "sendchataction") or name in (
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    )


class AsgiEndpoint:
    """ASGI app half of FakeBotApi (state lives in the subclass's __init__)."""

    token: str
    spec: Spec
    validator: Validator
    clock: Clock
    store: Store
    limiter: RateLimiter
    calls: list[Call]
    violations: list[Violation]
    _faults: list[Fault]
    _changed: asyncio.Event

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        times: int = 1,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` ('*' = any) with an HTTP error."""
        self._faults.append(
            Fault(method.lower(), "status", times, status, retry_after, description)
        )

    def drop_next(self, method: str, *, times: int = 1, after_processing: bool = False) -> None:
        """Break the connection on the next calls (after executing them if asked)."""
        self._faults.append(Fault(method.lower(), "drop", times, after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Delay the answer to the next calls of `method` by `seconds`."""
        self._faults.append(Fault(method.lower(), "delay", times, seconds=seconds))

    def outage(self, status: int = 502) -> None:
        """Answer every call with `status` (502: nginx's Bad Gateway page) until `restore()`."""
        self._faults.append(Fault("*", "status", 10**12, status))

    def restore(self) -> None:
        """End an outage: forget every pending fault."""
        self._faults.clear()

    def _take_faults(self, method: str) -> list[Fault]:
        """Consume the pending faults matching `method`."""
        taken = []
        for fault in list(self._faults):
            if fault.method in ("*", method.lower()):
                taken.append(fault)
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
        return taken

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        path = scope["path"]
        if match := _FILE_PATH.match(path):
            await self._serve_file(send, match[1], match[2])
        elif match := _API_PATH.match(path):
            await self._serve_call(scope, body, receive, send, match[1], match[2])
        else:
            await send_json(send, 404, _NOT_FOUND.payload())

    async def _serve_file(self, send: Send, token: str, path: str) -> None:
        """GET /file/bot<token>/<file_path>."""
        stored = self.store.file_by_path(path) if token == self.token else None
        if stored is None:
            await send_json(send, 404, _NOT_FOUND.payload())
        else:
            await send_bytes(send, 200, stored.data, stored.mime_type)

    async def _serve_call(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, token: str, name: str
    ) -> None:
        """POST|GET /bot<token>/<method>; a call whose client goes away is cancelled."""
        if token != self.token:
            await send_json(send, 401, _UNAUTHORIZED.payload())
            return
        method = self.spec.method(name)
        if method is None:
            await send_json(send, 404, _NOT_FOUND.payload())
            return
        started = self.clock()
        try:
            raw, uploads = parse_request(scope, body)
        except ApiError as exc:
            self._record(Call(method.name, {}, started, exc.status, exc.payload()))
            await send_json(send, exc.status, exc.payload())
            return
        work = asyncio.ensure_future(self._answer(method, raw, uploads, started))
        gone = asyncio.ensure_future(_disconnected(receive))
        await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        for task in (gone, work) if not work.done() else (gone,):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if work.cancelled():
            self._record(Call(method.name, raw, started, 499, None, client_gone=True))
            return
        reply = work.result()
        if reply.drop:
            await drop_connection(send)
        await send_bytes(send, reply.status, reply.body, reply.content_type)

    async def _answer(
        self, method: Definition, raw: dict[str, Any], uploads: dict[str, Upload], started: float
    ) -> _Reply:
        """Apply injected faults, validate, execute and record one call."""
        faults = self._take_faults(method.name)
        for fault in faults:
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
        drop = next((f for f in faults if f.kind == "drop"), None)
        failure = next((f for f in faults if f.kind == "status"), None)
        if drop is not None and not drop.after_processing:
            self._record(Call(method.name, raw, started, 0, None, injected=True))
            return _Reply(0, b"", drop=True)
        if failure is not None:
            return self._failure(method.name, raw, started, failure)
        params = raw
        try:
            params, _attachments = self.validator.validate_call(method, raw, uploads)
            result = await self._execute(method, params)
            status, payload = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, payload = exc.status, exc.payload()
        if drop is not None:
            self._record(Call(method.name, params, started, 0, payload, injected=True))
            return _Reply(0, b"", drop=True)
        self._record(Call(method.name, params, started, status, payload))
        return _Reply.json(status, payload)

    async def _execute(self, method: Definition, params: dict[str, Any]) -> Any:
        """Apply flood limits, then run the method implementation."""
        chat_id: Any = params.get("chat_id")
        limited = _is_send(method.name) and chat_id is not None
        if limited and (exceeded := self.limiter.check(chat_id)):
            scope, retry_after = exceeded
            self.violations.append(
                Violation(method.name, chat_id, scope, retry_after, self.clock())
            )
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        impl = botapi_methods.HANDLERS.get(method.name.lower(), botapi_methods.generic)
        result = await impl(cast("FakeBotApi", self), method, params)
        if limited:
            self.limiter.consume(chat_id)
        return result

    def _failure(self, method: str, params: dict[str, Any], started: float, fault: Fault) -> _Reply:
        """Build (and record) an injected HTTP error."""
        if fault.status == 502:
            self._record(Call(method, params, started, 502, None, injected=True))
            return _Reply(502, BAD_GATEWAY_HTML, "text/html")
        if fault.status == 429:
            error = ApiError(
                429,
                fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        else:
            text = fault.description or _STATUS_TEXT.get(fault.status, "Injected failure")
            error = ApiError(fault.status, text)
        self._record(Call(method, params, started, fault.status, error.payload(), injected=True))
        return _Reply.json(fault.status, error.payload())

    def _record(self, call: Call) -> None:
        """Keep a call and wake waiters."""
        self.calls.append(call)
        self.notify()

    def notify(self) -> None:
        """Wake everything waiting in wait_for()."""
        self._changed.set()
        self._changed = asyncio.Event()
