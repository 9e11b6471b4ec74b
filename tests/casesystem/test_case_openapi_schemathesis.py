"""docs/case-openapi.json, as published, driven by schemathesis against the real app.

Every operation of the document gets the requests schemathesis generates from it, valid and
invalid (positive and negative mode), sent as generated: none may be a 5xx, an invalid one must
be refused (4xx), and each answer's status, content type, headers and body must be ones the
document declares (schemathesis's own checks). POST /case/events is fuzzed a
second time with each generated body signed as the case system signs it, so that the requests
get past the signature to the handler's validation and its database; there the answer must also
be the one the document's own body schema predicts: 422 for a body it rejects, 404 for an
unknown reference, 200 for the ticket's.

The app is the real one (`Services.build`; its loops not started, but the lease-owner lock held
and Telegram set up against the fake Bot API on loopback, so that /readyz says ready) on a
migrated SQLite database with one ticket, reached in-process through httpx's ASGI transport:
schemathesis generates the requests and checks the answers, nothing of ours is replaced.
About 6 s for all of it.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from standardwebhooks import Webhook

from bot.casesystem.sync import CaseEvents
from bot.http.app import create_app
from bot.infra.clock import ManualClock
from bot.infra.crypto import new_standard_webhook_secret
from bot.infra.settings import load_settings
from bot.runtime.services import Services
from storage.db import upgrade
from tests.casesystem.casekit import DATA_KEY, KEYS, START, new_ticket
from tests.e2e.harness import STAFF_CHAT_ID, TOKEN
from tests.fakes import run_fake_bot_api

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "case-openapi.json"
SCHEMA = schemathesis.openapi.from_path(DOCUMENT)
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
EVENTS = OPERATIONS["POST /case/events"]
BODY_SCHEMA = EVENTS.definition.raw["requestBody"]["content"]["application/json"]["schema"]

SECRET = new_standard_webhook_secret()
REF = "TPPO-000000"  # the one ticket in the database (casekit.new_ticket)
BASE = "http://testserver"

# Bounded for `make test`: at most 100 requests per test, about half of them invalid, the same
# ones every run (an operation without parameters has only a few distinct requests).
BOUNDED = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CONFORMANCE: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def cases(label: str) -> st.SearchStrategy[Case[Any]]:
    """Valid and invalid requests for one operation of the document."""
    op = OPERATIONS[label]
    return st.one_of(
        op.as_strategy(generation_mode=GenerationMode.POSITIVE),
        op.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


class App:
    """The real app on a migrated SQLite database with one ticket, on a loop of its own (each
    example is one `send` on it), with a manual clock at casekit.START."""

    def __init__(self, runner: asyncio.Runner, app: FastAPI, services: Services) -> None:
        self._runner = runner
        self._app = app
        self.services = services
        self.clock = services.clock

    def send(self, request: dict[str, Any]) -> httpx.Response:
        return self._runner.run(self._send(request))

    async def _send(self, request: dict[str, Any]) -> httpx.Response:
        transport = httpx.ASGITransport(app=self._app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            return await client.request(**request)


@contextmanager
def running_app(tmp_path: Path) -> Iterator[App]:
    """The app as `lapor-tppo run` has it once started, without its loops: the lease-owner lock
    held and Telegram set up (against the fake Bot API on loopback), so /readyz says ready."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'lapor.db'}"
    upgrade(url)
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        fake = runner.run(stack.enter_async_context(run_fake_bot_api(TOKEN)))
        config = load_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            STAFF_CHAT_ID=STAFF_CHAT_ID,
            DATABASE_URL=url,
            DATA_KEY=DATA_KEY,
            CASE_INBOUND_SECRET=SECRET,
        )
        services = Services.build(config, ManualClock(START))
        app = create_app(config, services)
        # httpx's ASGI transport runs no lifespan: the services are in place, no loop runs.
        app.state.services = services
        try:
            runner.run(prepare(services))
            yield App(runner, app, services)
        finally:
            runner.run(services.close())
            runner.run(stack.aclose())


async def prepare(services: Services) -> None:
    await new_ticket(services.db, CaseEvents(KEYS, enabled=True), START)
    assert await services.db.owner.hold()
    assert await services.telegram.attempt()


def as_sent(case: Case[Any]) -> tuple[dict[str, Any], bytes | None]:
    """The request schemathesis would send for `case`, as httpx arguments, and its body."""
    kwargs = case.as_transport_kwargs(base_url=BASE)
    body: bytes | None = None
    if "json" in kwargs:
        body = json.dumps(kwargs["json"], allow_nan=False).encode()
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        body = data.encode() if isinstance(data, str) else bytes(data)
    headers = {str(k): str(v) for k, v in kwargs["headers"].items()}
    request = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "params": kwargs.get("params") or None,
        "headers": {k.encode("latin-1"): v.encode("latin-1") for k, v in headers.items()},
        "content": body,
    }
    return request, body


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_answers_as_documented(tmp_path: Path, label: str) -> None:
    """As generated: for POST /case/events nearly all unsigned or badly signed, so 401s; the
    negative ones must be refused (4xx), and nothing may be a 5xx outside the document."""
    statuses: Counter[int] = Counter()
    with running_app(tmp_path) as app:

        @BOUNDED
        @given(case=cases(label))
        def run(case: Case[Any]) -> None:
            request, _ = as_sent(case)
            answer = app.send(request)
            statuses[answer.status_code] += 1
            case.validate_response(answer, checks=[*CONFORMANCE, negative_data_rejection])

        run()
    assert statuses, "no request was sent"


def expected(body: str) -> int:
    """The status the document predicts for a correctly signed `body`."""
    try:
        event = json.loads(body)
    except ValueError:
        return 400
    try:
        jsonschema.validate(event, BODY_SCHEMA)
    except jsonschema.ValidationError:
        return 422
    data = event["data"]
    if not all(unicode(data.get(name, "")) for name in ("case_id", "message")):
        return 422  # the description: strings must be Unicode text
    return 200 if data["reference"] == REF else 404


def unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sign(request: dict[str, Any], text: str, webhook_id: str, at: datetime) -> dict[str, str]:
    """Sign `request`, whose body is `text`, as the case system does; the headers it got."""
    signed = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(SECRET).sign(webhook_id, at, text),
    }
    request["headers"].update({k.encode(): v.encode() for k, v in signed.items()})
    return signed


def test_signed_events_reach_the_handler_and_answer_as_documented(tmp_path: Path) -> None:
    """Each generated body signed with CASE_INBOUND_SECRET at the app's time: the handler's
    validation and database answer, and the status is the one the body schema predicts."""
    statuses: Counter[int] = Counter()
    ids = count()
    with running_app(tmp_path) as app:

        @BOUNDED
        @given(case=cases("POST /case/events"))
        def run(case: Case[Any]) -> None:
            request, body = as_sent(case)
            try:
                text = (body or b"").decode("utf-8")
            except UnicodeDecodeError:
                text = None  # a signature covers text: these bytes cannot be signed
            if text is not None:
                # In the case too, so that a failure's curl line shows what was sent.
                case.headers.update(sign(request, text, f"msg_{next(ids)}", app.clock.now()))
            answer = app.send(request)
            statuses[answer.status_code] += 1
            case.validate_response(answer, checks=CONFORMANCE)
            want = 401 if text is None else expected(text)
            assert answer.status_code == want, (want, answer.text, body)

        run()
    # The generator got past the signature to the body checks and to the database, both ways.
    assert {200, 404, 422} <= set(statuses), statuses


# Bodies the generator does not write: its strings have no lone surrogates, and its patterns
# follow JSON Schema's `$` (the end of the text, never before a final newline).
EDGES = {
    # A case_id with a lone surrogate was a 503 "try again later" (the database cannot store
    # it), so the case system would have sent it again and again; a message is refused alike.
    "surrogate case_id": f'{{"reference": "{REF}", "status": "closed", "case_id": "\\ud800"}}',
    "surrogate message": f'{{"reference": "{REF}", "status": "referred", "message": "a\\udfff"}}',
    # Python's `$` matches before a final newline, so jsonschema took this until the document
    # gave the reference its length too; the app always refused it.
    "reference and newline": f'{{"reference": "{REF}\\n", "status": "referred"}}',
}


@pytest.mark.parametrize("data", EDGES.values(), ids=EDGES.keys())
def test_signed_edge_bodies_answer_as_documented(tmp_path: Path, data: str) -> None:
    text = f'{{"type": "case.updated", "data": {data}}}'
    with running_app(tmp_path) as app:
        case = EVENTS.Case(body=json.loads(text), media_type="application/json")
        request, _ = as_sent(case)
        request["content"] = text.encode()
        case.headers.update(sign(request, text, "msg_edge", app.clock.now()))
        answer = app.send(request)
    case.validate_response(answer, checks=CONFORMANCE)
    assert answer.status_code == expected(text) == 422, answer.text


def test_the_document_has_the_operations_fuzzed_here() -> None:
    assert set(OPERATIONS) == {
        "POST /case/events",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
    }
