"""The case-system link meets the follow-up: messages to and from an opted-in reporter go to
the case system as `ticket.reporter_message`; the case system's message reaches the reporter,
and its closing tells the reporter kindly and ends the contact, as a close by staff does."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.infra.crypto import new_standard_webhook_secret
from tests.casesystem.test_case_e2e import signed
from tests.e2e.harness import SENTINEL, file_report_until_send, make_settings, running_app, step
from tests.e2e.staffkit import (
    SITI,
    manual_clock,
    set_up_task_force,
    staff_users,
    wait_card,
    wait_group,
    wita,
)
from tests.e2e.test_followup_e2e import REFERENCE, allow_messages, ask
from tests.e2e.test_triage_commands_e2e import say
from tests.fakes import FakeBotApi
from tests.fakes.casesystem import run_fake_case_system


async def test_the_relay_reaches_the_case_system_and_its_close_reaches_the_reporter(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    clock = manual_clock(fake, wita(5, 9))
    inbound = new_standard_webhook_secret()
    async with run_fake_case_system(clock.now) as case:
        settings = make_settings(
            fake,
            database_url,
            SLA_NORMAL="400h",
            SLA_URGENT="400h",
            CASE_WEBHOOK_URL=case.url,
            CASE_WEBHOOK_SECRET=case.secret,
            CASE_INBOUND_SECRET=inbound,
        )
        siti = staff_users(fake)[SITI]
        async with running_app(settings, fake, clock) as base:
            reporter = fake.user(**SENTINEL)
            await file_report_until_send(reporter)
            await allow_messages(fake, reporter)
            (confirmation,) = await step(reporter, "press", "Send report")
            (ref,) = REFERENCE.findall(confirmation["text"])
            await wait_card(fake, ref)

            # Staff write, the reporter answers: both go to the case system, text only.
            assert "Sent to the reporter" in await say(fake, siti, f"/balas {ref} Aman?")
            await reporter.wait_for_reply(timeout=10)
            await reporter.press("Reply")
            await reporter.wait_for_reply(timeout=10)
            assert "added to the report" in await ask(reporter, "Saya aman, terima kasih")
            await fake.wait_for(
                lambda: (
                    [
                        r.body["data"]["direction"]
                        for r in case.accepted
                        if r.type.endswith("message")
                    ]
                    == ["to_reporter", "from_reporter"]
                ),
                20,
                "both reporter messages at the case system",
            )
            for received in case.accepted:
                for value in SENTINEL.values():
                    assert str(value) not in received.raw

            # The case system closes the ticket with a message for the reporter.
            event = {
                "type": "case.updated",
                "data": {"reference": ref, "status": "closed", "message": "Kasus ditangani UPTD."},
            }
            async with httpx.AsyncClient(base_url=base) as http:
                raw, headers = signed(inbound, event, clock.now(), "evt_close")
                forged = {**headers, "webhook-signature": "v1,Zm9yZ2Vk"}
                assert (
                    await http.post("/case/events", content=raw, headers=forged)
                ).status_code == 401
                answer = await http.post("/case/events", content=raw, headers=headers)
                assert answer.status_code == 200
                # /metrics reads the case events and counts the refused call.
                scraped = {
                    (s.name, tuple(sorted(s.labels.items()))): s.value
                    for f in text_string_to_metric_families((await http.get("/metrics")).text)
                    for s in f.samples
                }
                assert scraped[("lapor_case_events", (("status", "sent"),))] >= 3
                assert scraped[("lapor_case_inbound_rejected_total", (("code", "401"),))] == 1
                assert scraped[("lapor_case_endpoint_disabled", ())] == 0
            await reporter.wait_for_reply(count=2, timeout=15)
            relayed, closing = reporter.texts()[-2:]
            assert relayed.startswith("Message from Tim Gugus Tugas:")
            assert relayed.endswith("Kasus ditangani UPTD.")
            assert f"Report {ref} is now closed" in closing
            await wait_group(fake, "passed on to the reporter")
            # The contact ended with the close: staff can no longer write.
            assert "closed" in await say(fake, siti, f"/balas {ref} halo")
