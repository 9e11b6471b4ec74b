"""The case-system link through the real app: a filed report and every staff action reach the
fake case system signed, in order and without identity or note text; signed status changes
come back through POST /case/events."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from standardwebhooks import Webhook

from bot.infra.crypto import Keys, new_standard_webhook_secret
from bot.infra.settings import reveal
from storage.db import Database
from storage.models import AuditEntry, CaseEvent
from storage.repos.triage import tickets
from tests.e2e.harness import SENTINEL, STAFF_CHAT_ID, make_settings, running_app
from tests.e2e.staffkit import (
    ORDINARY,
    SITI,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wait_group,
    wita,
)
from tests.fakes import FakeBotApi, FakeUser
from tests.fakes.casesystem import run_fake_case_system

NOTE = "Keluarga Zorgwyn minta dihubungi di rumah"  # internal: never leaves the bot


async def say(fake: FakeBotApi, user: FakeUser, text: str) -> str:
    """A staff command in the group; the bot's one reply."""
    chat = fake.store.chats.get(STAFF_CHAT_ID)
    before = len(chat.bot_log) if chat else 0
    await user.send_text(text, chat_id=STAFF_CHAT_ID)
    await fake.wait_for(
        lambda: len(fake.store.chats[STAFF_CHAT_ID].bot_log) > before, 20, f"reply to {text}"
    )
    log = fake.store.chats[STAFF_CHAT_ID].bot_log
    return str(fake.store.chats[STAFF_CHAT_ID].messages[log[before]]["text"])


def reporter(fake: FakeBotApi) -> FakeUser:
    """A reporter whose identity must never reach the case system."""
    return fake.user(
        user_id=SENTINEL["user_id"],
        first_name=SENTINEL["first_name"],
        last_name=SENTINEL["last_name"],
        username=SENTINEL["username"],
        started=True,
    )


async def test_a_report_and_every_change_reach_the_case_system_in_order(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    clock = manual_clock(fake, wita(5, 9))
    async with run_fake_case_system(clock.now) as case:
        settings = make_settings(
            fake,
            database_url,
            SLA_NORMAL="400h",
            CASE_WEBHOOK_URL=case.url,
            CASE_WEBHOOK_SECRET=case.secret,
        )
        siti = staff_users(fake)[SITI]
        async with running_app(settings, fake, clock):
            (ref,) = await send_reports(fake, settings, [reporter(fake)], ORDINARY, clock.now())
            await wait_card(fake, ref)
            await fake.wait_for(lambda: len(case.accepted) == 1, 20, "ticket.created")
            assert f"{ref} taken by Siti" in await say(fake, siti, f"/ambil {ref}")
            await say(fake, siti, f"/lihat {ref}")  # a view changes nothing: no event
            assert "Note added" in await say(fake, siti, f"/catatan {ref} {NOTE}")
            assert "referred" in await say(fake, siti, f"/rujuk {ref} polres")
            assert "closed" in await say(fake, siti, f"/tutup {ref} selesai")
            await fake.wait_for(lambda: len(case.accepted) == 5, 20, "five events")
    assert case.problems == []
    assert [r.type for r in case.received] == [
        "ticket.created",
        "ticket.updated",
        "ticket.updated",
        "ticket.updated",
        "ticket.closed",
    ]
    created, claimed, noted, referred, closed = (r.body["data"] for r in case.received)
    assert created["reference"] == ref and created["status"] == "new"
    assert created["indicators"] == ["documents_held"]
    assert created["location"] == {"kind": "kecamatan", "place": "sebatik_barat", "text": None}
    assert claimed["changed"] == ["acknowledged_at", "assignee", "status"]
    assert claimed["assignee"] == {"name": "Siti", "role": "member"}
    assert noted["changed"] == ["note_count"] and noted["note_count"] == 1
    assert referred["referrals"][0]["agency"] == "polres"
    assert closed["closed_reason"] == "resolved"
    everything = " ".join(r.raw for r in case.received)
    for secret in (NOTE, "Zorgwyn", "Quillbeck", "zorgwyn_q_sentinel", str(SENTINEL["user_id"])):
        assert secret not in everything
    assert str(SITI) not in json.dumps([r.body["data"].get("assignee") for r in case.received])


def signed(
    secret: str, body: object, at: datetime, webhook_id: str
) -> tuple[bytes, dict[str, str]]:
    """A body and its Standard Webhooks headers, signed by the reference library."""
    raw = json.dumps(body).encode()
    signature = Webhook(secret).sign(webhook_id, at, raw.decode())
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }
    return raw, headers


async def test_signed_status_changes_come_back_and_bad_ones_are_refused(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    clock = manual_clock(fake, wita(5, 9))
    secret = new_standard_webhook_secret()
    async with run_fake_case_system(clock.now) as case:
        settings = make_settings(
            fake,
            database_url,
            SLA_NORMAL="400h",
            CASE_WEBHOOK_URL=case.url,
            CASE_WEBHOOK_SECRET=case.secret,
            CASE_INBOUND_SECRET=secret,
        )
        async with running_app(settings, fake, clock) as base:
            (ref,) = await send_reports(fake, settings, [reporter(fake)], ORDINARY, clock.now())
            await wait_card(fake, ref)
            await fake.wait_for(lambda: len(case.accepted) == 1, 20, "ticket.created")
            event: dict[str, Any] = {
                "type": "case.updated",
                "data": {
                    "reference": ref,
                    "status": "acknowledged",
                    "case_id": "SIMFONI-65.03-0042",
                    "message": "Petugas UPTD PPA akan datang besok.",
                },
            }
            now = clock.now()
            good = signed(secret, event, now, "evt_1")
            other = signed(new_standard_webhook_secret(), event, now, "evt_2")
            stale = signed(secret, event, now - timedelta(minutes=6), "evt_3")
            future = signed(secret, event, now + timedelta(minutes=6), "evt_4")
            unknown = signed(
                secret,
                {**event, "data": {**event["data"], "reference": "TPPO-ZZZZZZ"}},
                now,
                "evt_5",
            )
            shapeless = signed(secret, {"type": "case.deleted", "data": {}}, now, "evt_6")
            not_json = signed(secret, "x", now, "evt_7")
            not_json = (b"{not json", {**not_json[1]})
            not_json[1]["webhook-signature"] = Webhook(secret).sign("evt_7", now, "{not json")
            garbage = [
                {},
                {"webhook-id": "a", "webhook-timestamp": "abc", "webhook-signature": "v1,x"},
                {"webhook-id": "a", "webhook-timestamp": "1e9", "webhook-signature": "v1"},
                {**good[1], "webhook-signature": "v1,@@@@ v2 ,,, v1"},
                {**good[1], "webhook-timestamp": "١٧٦٧٥٧٤٨٠٠"},
                {**good[1], "webhook-timestamp": "9" * 400},
            ]
            async with httpx.AsyncClient(base_url=base) as http:

                async def post(request: tuple[bytes, dict[str, str]]) -> int:
                    headers = {k.encode(): str(v).encode() for k, v in request[1].items()}
                    answer = await http.post("/case/events", content=request[0], headers=headers)
                    return answer.status_code

                assert await post(other) == 401
                assert await post(stale) == 401
                assert await post(future) == 401
                for headers in garbage:
                    assert 400 <= await post((good[0], headers)) < 500
                assert await post(unknown) == 404
                assert await post(shapeless) == 422
                assert await post(not_json) == 400
                assert await post(good) == 200
                assert await post(good) == 200  # a repeat: nothing happens twice
            await wait_group(fake, f"The case system set {ref} to acknowledged")
            await wait_group(fake, "It was not passed on: the reporter did not choose")
    db = Database(database_url, sealer=Keys(reveal(settings.DATA_KEY)))
    try:
        async with db.transaction() as s:
            ticket = await tickets.get(s, ref)
            assert ticket is not None and ticket.status.value == "acknowledged"
            told = await s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "case_status")
            )
            assert told == 1
            # The case system's own change is not echoed back to it.
            assert await s.scalar(select(func.count()).select_from(CaseEvent)) == 1
    finally:
        await db.dispose()
    assert len(case.received) == 1
