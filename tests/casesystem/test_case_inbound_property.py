"""POST /case/events as its OpenAPI document describes it, driven by hypothesis: whatever the
headers and body, signed or not, the answer is never a 5xx; and the document describes the
route and the health checks."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook

from bot.casesystem.inbound import CaseInbound
from bot.casesystem.sync import CaseEvents
from bot.effects.tickets import TicketAnnouncer
from bot.http.app import create_app
from bot.infra.catalog import load_catalog
from bot.infra.clock import ManualClock
from bot.infra.crypto import new_standard_webhook_secret
from bot.infra.settings import load_settings
from bot.metrics import Metrics
from bot.telegram.outgoing import Outgoing
from storage.db import Database, upgrade
from tests.casesystem.casekit import KEYS, START, TRANSLATOR, group, new_ticket
from tests.e2e.harness import STAFF_CHAT_ID

SECRET = new_standard_webhook_secret()
CLOCK = ManualClock(START)
REF = "TPPO-000000"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[Any]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lapor.db'}"
    await asyncio.to_thread(upgrade, url)
    config = load_settings(
        STAFF_CHAT_ID=STAFF_CHAT_ID, DATABASE_URL=url, DATA_KEY="x" * 44, CASE_INBOUND_SECRET=SECRET
    )
    db = Database(url, sealer=KEYS)
    events = CaseEvents(KEYS, enabled=True)
    await new_ticket(db, events, CLOCK.now())
    announcer = TicketAnnouncer(config, load_catalog(None), Outgoing(KEYS, TRANSLATOR))
    inbound = CaseInbound(
        db, SECRET, clock=CLOCK, events=events, announcer=announcer, group=group()
    )
    application = create_app(config)
    application.state.services = SimpleNamespace(case_inbound=inbound, metrics=Metrics())
    yield application
    await db.dispose()


def test_the_openapi_document_describes_the_case_route_and_health_checks() -> None:
    config = load_settings(STAFF_CHAT_ID=STAFF_CHAT_ID, DATA_KEY="x" * 44)
    document = create_app(config).openapi()
    route = document["paths"]["/case/events"]["post"]
    assert {"200", "400", "401", "404", "422"} <= set(route["responses"])
    assert {p["name"] for p in route["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    body = route["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["data"]["required"] == ["reference", "status"]
    assert {"/healthz", "/readyz"} <= set(document["paths"])
    assert "/telegram/webhook" not in document["paths"]
    # docs/case-openapi.json is this document, for the case system's developers.
    published = Path(__file__).resolve().parents[2] / "docs" / "case-openapi.json"
    if os.environ.get("UPDATE_GOLDEN"):
        published.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    assert json.loads(published.read_text()) == document, "UPDATE_GOLDEN=1 rewrites it"


TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=80)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
EVENT = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["case.updated", "case.created"]) | TEXT,
        "data": st.fixed_dictionaries(
            {
                "reference": st.sampled_from([REF, "TPPO-ZZZZZZ", "tppo-000000"]) | TEXT,
                "status": st.sampled_from(["acknowledged", "referred", "closed", "new"]) | JSON,
            },
            optional={"case_id": TEXT | JSON, "message": TEXT | JSON},
        )
        | JSON,
    }
)


VALID = st.fixed_dictionaries(
    {
        "type": st.just("case.updated"),
        "data": st.fixed_dictionaries(
            {
                "reference": st.sampled_from([REF, "TPPO-ZZZZZZ"]),
                "status": st.sampled_from(["acknowledged", "referred", "closed"]),
            },
            optional={"case_id": TEXT, "message": TEXT},
        ),
    }
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=VALID.map(lambda e: json.dumps(e).encode())
    | EVENT.map(lambda e: json.dumps(e).encode())
    | JSON.map(lambda e: json.dumps(e).encode())
    | st.binary(max_size=200),
    webhook_id=st.sampled_from(["evt_1", "evt_2", "evt_3"]) | TEXT,
    skew=st.just(0) | st.integers(-400, 400),
    stamp=st.none() | st.none() | TEXT,
    sign=st.sampled_from([True, True, True, False]),
    signature=TEXT,
)
async def test_no_request_ever_gets_a_5xx(
    app: Any,
    body: bytes,
    webhook_id: str,
    skew: int,
    stamp: str | None,
    sign: bool,
    signature: str,
) -> None:
    at = int(CLOCK.now().timestamp()) + skew
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp if stamp is not None else str(at),
        "webhook-signature": signature,
    }
    if sign:
        try:
            text = body.decode()
        except UnicodeDecodeError:
            text = None
        if text is not None:
            headers["webhook-signature"] = Webhook(SECRET).sign(
                webhook_id, datetime.fromtimestamp(at, UTC), text
            )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.post(
            "/case/events",
            content=body,
            headers={k.encode(): v.encode() for k, v in headers.items()},
        )
    assert answer.status_code < 500, answer.text
    assert "ok" in answer.json()
