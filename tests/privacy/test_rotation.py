"""rotate-key's walk: every content column ends under the current key, plaintext and Fernet
values from earlier versions included; a second run rewrites nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.infra.crypto import Keys, new_data_key
from flows.domain.report import Report
from storage.db import Database
from storage.models import (
    CaseEvent,
    Conversation,
    FollowupContact,
    InboxUpdate,
    OutboxMessage,
    Ticket,
    TicketMessage,
)
from storage.repos.pipeline import limits
from storage.repos.pipeline.limits import Limits, Verdict
from storage.repos.triage import referrals, tickets
from storage.rotation import rotate

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def test_rotation_reseals_every_column_and_a_second_run_has_nothing_to_do(
    database_url: str,
) -> None:
    old, new = new_data_key(), new_data_key()
    before = Database(database_url, sealer=Keys(old))
    try:
        async with before.transaction() as s:
            report = Report(NOW, "id", indicators=("debt",), story="Cerita rahasia")
            ticket = await tickets.create(
                s, report, new_reference=lambda: "TPPO-AAAAAA", now=NOW, ack_due_at=NOW
            )
            await referrals.add_note(s, ticket.reference, NOW, 101, "catatan rahasia")
            s.add(
                Conversation(flow="intake", key="k" * 64, state={"node": "story"}, updated_at=NOW)
            )
            s.add(
                InboxUpdate(
                    update_id=7,
                    chat_key="-",
                    payload='{"update_id": 7}',
                    status="pending",
                    attempts=0,
                    received_at=NOW,
                    next_attempt_at=NOW,
                )
            )
            s.add(
                OutboxMessage(
                    chat_key="-",
                    method="sendMessage",
                    payload=Keys(old).legacy_seal(b"{}"),
                    status="pending",
                    attempts=0,
                    created_at=NOW,
                    next_attempt_at=NOW,
                )
            )
            # The follow-up's contact and messages, and a case-system event, sealed as written.
            s.add(
                FollowupContact(
                    ticket_ref="TPPO-AAAAAA",
                    sealed_chat=Keys(old).seal(b"4242"),
                    locale="id",
                    created_at=NOW,
                )
            )
            s.add(
                TicketMessage(
                    ticket_ref="TPPO-AAAAAA",
                    at=NOW,
                    direction="to_reporter",
                    sealed_text=Keys(old).seal(b"pesan rahasia"),
                )
            )
            s.add(
                CaseEvent(
                    webhook_id="msg_rotation",
                    ticket_ref="TPPO-AAAAAA",
                    type="ticket.created",
                    payload=Keys(old).seal(b"{}"),
                    status="pending",
                    attempts=0,
                    created_at=NOW,
                    next_attempt_at=NOW,
                )
            )
    finally:
        await before.dispose()

    during = Database(database_url, sealer=Keys(new, [old]))
    try:
        first = await rotate(during, batch=1)  # batches of one: every walk pages
        assert {n: c.resealed for n, c in first.columns.items()} == {
            "tickets.report": 1,
            "ticket_notes.text": 1,
            "conversations.state": 1,  # plaintext from before sealing
            "inbox.payload": 1,  # plaintext from before sealing
            "outbox.payload": 1,  # Fernet from before AES-GCM
            "followup_contacts.sealed_chat": 1,
            "ticket_messages.sealed_text": 1,
            "case_events.payload": 1,
        }
        second = await rotate(during)
        assert all(c.resealed == 0 and c.unreadable == 0 for c in second.columns.values())
    finally:
        await during.dispose()

    after = Database(database_url, sealer=Keys(new))
    try:
        async with after.transaction() as s:
            found = await tickets.get(s, "TPPO-AAAAAA")
            assert found is not None and found.report.story == "Cerita rahasia"
            assert [n.text for n in (await referrals.notes(s, "TPPO-AAAAAA", 5))[0]] == [
                "catatan rahasia"
            ]
            payload = await s.scalar(select(OutboxMessage.payload))
            assert payload is not None and Keys(new).open(payload) == b"{}"
            chat = await s.scalar(select(FollowupContact.sealed_chat))
            said = await s.scalar(select(TicketMessage.sealed_text))
            body = await s.scalar(select(CaseEvent.payload))
            assert chat is not None and Keys(new).open(chat) == b"4242"
            assert said is not None and Keys(new).open(said) == b"pesan rahasia"
            assert body is not None and Keys(new).open(body) == b"{}"
            # A value no key opens is counted, not lost or rewritten.
            await s.execute(update(Ticket).values(report={"sealed": "AQAAAAA" + "A" * 40}))
        stray = await rotate(after)
        assert stray.columns["tickets.report"].unreadable == 1 and stray.unreadable == 1
    finally:
        await after.dispose()


async def test_the_token_bucket_refills_and_tells_once(database_url: str) -> None:
    db = Database(database_url, sealer=Keys(new_data_key()))
    rules = Limits(rate=1.0, burst=3.0, reports_per_hour=2)
    try:
        async with db.transaction() as s:
            verdicts = [await limits.take_message(s, "k", NOW, rules) for _ in range(6)]
            assert verdicts == [Verdict.ADMIT] * 3 + [Verdict.TELL, Verdict.DROP, Verdict.DROP]
            later = NOW + timedelta(seconds=2)
            assert [await limits.take_message(s, "k", later, rules) for _ in range(3)] == [
                Verdict.ADMIT,
                Verdict.ADMIT,
                Verdict.DROP,  # told less than a minute ago
            ]
            assert await limits.take_message(s, "other", NOW, rules) is Verdict.ADMIT
            assert [await limits.take_report(s, "k", NOW, rules) for _ in range(3)] == [
                True,
                True,
                False,
            ]
            assert await limits.take_report(s, "k", NOW + timedelta(hours=1), rules)
        async with db.transaction() as s:
            assert await limits.forget_idle(s, NOW + timedelta(minutes=30)) == 1  # "other"
    finally:
        await db.dispose()
