"""The follow-up through the real app: receipts from another account and wrong guesses
throttled; messages between staff and an opted-in reporter both ways with hostile text; the
contact deleted on close and on /hapus; no identity in staff calls or the database file."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from sqlalchemy import text

from storage.db import create_engine
from tests.e2e.harness import (
    SENTINEL,
    STAFF_CHAT_ID,
    database_files,
    file_report,
    file_report_until_send,
    make_settings,
    running_app,
    step,
)
from tests.e2e.staffkit import (
    ORDINARY,
    SITI,
    audit_actions,
    later,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wait_group,
    wita,
)
from tests.e2e.test_triage_commands_e2e import say
from tests.fakes import FakeBotApi, FakeUser

RECEIPT = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")
REFERENCE = re.compile(r"TPPO-[0-9A-Z]{6}")
SENTINELS = [str(SENTINEL[k]) for k in ("user_id", "first_name", "last_name", "username")]
# Markup, entities, look-alike escapes, astral characters and a lone surrogate's neighbours.
HOSTILE = '<b>bold</b> <a href="tg://user?id=1">x</a> &amp; &lt;i&gt; 5 < 6 > 4 & 😀 𝄞 "q"'


async def allow_messages(fake: FakeBotApi, user: FakeUser) -> None:
    """Choose follow-up on the review (the review is edited in place)."""
    await user.press("Allow messages here")
    await fake.wait_for(
        lambda: "Through this chat" in (user.last_text() or ""), timeout=10, what="the choice"
    )


async def ask(user: FakeUser, words: str, replies: int = 1) -> str:
    """Send `words` in the private chat; the bot's answers, joined."""
    answers = await step(user, "text", words, replies)
    return "\n".join(str(a.get("text", "")) for a in answers)


async def test_a_receipt_works_from_another_account_and_wrong_guesses_are_throttled(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url)
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        reporter = fake.user(**SENTINEL)
        confirmation = await file_report(reporter)
        (receipt,) = RECEIPT.findall(confirmation)
        (reference,) = REFERENCE.findall(confirmation)
        assert "no contact" in confirmation and "shown only this once" in confirmation
        await wait_card(fake, reference)

        friend = fake.user(user_id=5151, first_name="Friend", started=True)
        typed = receipt.lower().replace("-", " ").replace("0", "o")  # as people type it
        said = await ask(friend, f"/status {typed}")
        assert reference in said and "waiting for a member of the task force" in said
        await friend.press("Add information")
        await friend.wait_for_reply(timeout=10)
        said = await ask(friend, HOSTILE)
        assert "added to the report" in said
        posted = await wait_group(fake, f"The reporter of {reference} writes")
        assert HOSTILE in posted["text"]  # escaped on the way: shown literally, not as markup

        guesser = fake.user(user_id=5252, started=True)
        wrong = receipt[:-1] + ("0" if receipt[-1] != "0" else "1")
        for _ in range(5):
            assert "No report was found" in await ask(guesser, f"/status {wrong}")
        # The sixth try in 15 minutes is refused unchecked, even with the right receipt.
        assert "too many tries" in await ask(guesser, f"/status {receipt}")

        # Everyone's wrong guesses count too: 50 in 15 minutes close the door for all.
        for n in range(9):
            other = fake.user(user_id=5300 + n, started=True)
            for _ in range(5):
                await ask(other, f"/status {wrong}")
        assert "too many tries" in await ask(friend, f"/status {receipt}")

        clock.set(later(clock.now(), minutes=16))
        said = await ask(guesser, f"/status {receipt}")
        assert reference in said
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        kept = (await conn.execute(text("SELECT count(*) FROM receipt_misses"))).scalar()
    await engine.dispose()
    assert kept == 0  # wrong guesses are kept only while they count


async def test_messages_go_both_ways_escaped_and_the_contact_ends_on_close(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    fake.think_time = 10.0  # staff who think between actions: the group's limits hold
    await set_up_task_force(sqlite_url)
    settings = make_settings(fake, sqlite_url, SLA_NORMAL="400h", SLA_URGENT="400h")
    siti = staff_users(fake)[SITI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        reporter = fake.user(**SENTINEL)
        await file_report_until_send(reporter)
        await allow_messages(fake, reporter)
        (confirmation,) = await step(reporter, "press", "Send report")
        assert "follow-up through this chat" in confirmation["text"]
        (reference,) = REFERENCE.findall(confirmation["text"])
        await wait_card(fake, reference)

        # Oversized and empty messages are refused with a line; nothing reaches the reporter.
        before = len(reporter.texts())
        assert "at most 3500" in await say(fake, siti, f"/balas {reference} {'x' * 3600}")
        assert "/balas" in await say(fake, siti, f"/balas {reference}")
        assert "Sent to the reporter" in await say(fake, siti, f"/balas {reference} {HOSTILE}")
        await reporter.wait_for_reply(timeout=10)
        assert len(reporter.texts()) == before + 1
        relayed = reporter.texts()[-1]
        assert relayed.startswith("Message from Tim Gugus Tugas:") and HOSTILE in relayed
        assert "Siti" not in relayed and str(SITI) not in relayed

        # From a staff member's private chat too, and still without a name.
        said = await say(fake, siti, f"/reply {reference} Are you safe now?", private=True)
        assert "Sent to the reporter" in said
        await reporter.wait_for_reply(timeout=10)
        assert reporter.texts()[-1].endswith("Are you safe now?")
        assert "Siti" not in reporter.texts()[-1]

        # The reporter answers with the Reply button; the answer lands in the ticket's thread.
        await reporter.press("Reply")
        await reporter.wait_for_reply(timeout=10)
        assert "one message can hold 3000" in await ask(reporter, "z" * 3100)  # still awaited
        answer = HOSTILE + " \ud800 \u200b" + "y" * 2900  # a lone surrogate too
        assert "added to the report" in await ask(reporter, answer)
        posted = await wait_group(fake, f"The reporter of {reference} writes")
        assert answer.replace("\ud800", "\ufffd") in posted["text"]

        # The receipt shows the task force's messages, escaped.
        (receipt,) = RECEIPT.findall(confirmation["text"])
        status = await ask(reporter, f"/status {receipt}")
        assert "Are you safe now?" in status and HOSTILE in status

        # A forged Reply button from another chat reaches nothing.
        stranger = fake.user(user_id=5454, started=True)
        await stranger.press_data(f"1|fr|{reference[5:].lower()}")
        await stranger.wait_for_reply(timeout=10)
        assert "could not be added" in await ask(stranger, "I am not the reporter")

        # A reporter who chose no contact cannot be written to.
        (quiet,) = await send_reports(
            fake, settings, [fake.user(user_id=5555, started=True)], ORDINARY, clock.now()
        )
        assert "chose no contact" in await say(fake, siti, f"/balas {quiet} halo")

        # Closing: the reporter gets a kind word (not the reason), then the contact is gone.
        await say(fake, siti, f"/tutup {reference} bukan_tppo")
        await reporter.wait_for_reply(timeout=10)
        closing = reporter.texts()[-1]
        assert f"Report {reference} is now closed" in closing
        assert "not trafficking" not in closing and "bukan" not in closing
        assert "is closed: nothing was sent" in await say(fake, siti, f"/balas {reference} hi")

        # /hapus ends an open ticket's contact too.
        second = fake.user(user_id=5656, first_name="Second", started=True)
        await file_report_until_send(second)
        await allow_messages(fake, second)
        (done,) = await step(second, "press", "Send report")
        (second_ref,) = REFERENCE.findall(done["text"])
        await wait_card(fake, second_ref)
        await ask(second, "/hapus")
        assert "chose no contact" in await say(fake, siti, f"/balas {second_ref} halo")

    actions = [a for _ref, a in await audit_actions(sqlite_url, reference)]
    assert "reply" in actions
    engine = create_engine(sqlite_url)
    async with engine.connect() as conn:
        contacts = (await conn.execute(text("SELECT count(*) FROM followup_contacts"))).scalar()
        kinds = (await conn.execute(text("SELECT kind, data FROM ticket_events ORDER BY id"))).all()
        hashes = (await conn.execute(text("SELECT hash FROM receipts"))).scalars().all()
    await engine.dispose()
    assert contacts == 0
    names = [k for k, _d in kinds]
    for kind in ("followup_chosen", "reply_to_reporter", "reply_from_reporter", "contact_deleted"):
        assert kind in names
    assert not any("bold" in json.dumps(d) for _k, d in kinds)  # audited without the text
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)

    # No identity in any call to a chat but the reporter's, nor in the database file.
    reporter_chat = str(SENTINEL["user_id"])
    for call in fake.calls:
        if str(call.params.get("chat_id")) == reporter_chat or call.method == "getUpdates":
            continue
        dumped = json.dumps(call.params, ensure_ascii=False).lower()
        assert not [s for s in SENTINELS if s.lower() in dumped], call.method
    for path in database_files(sqlite_url):
        raw = path.read_bytes()
        for sentinel in SENTINELS:
            assert sentinel.encode() not in raw, f"{sentinel!r} found in {path.name}"


async def test_in_a_forum_group_the_reporter_answers_in_the_ticket_topic(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    fake.make_forum(STAFF_CHAT_ID)
    await set_up_task_force(sqlite_url)
    settings = make_settings(fake, sqlite_url, SLA_NORMAL="400h")
    siti = staff_users(fake)[SITI]
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        reporter = fake.user(user_id=5757, started=True)
        (ref,) = await send_reports(
            fake, settings, [reporter], replace(ORDINARY, followup=True), clock.now()
        )
        card = await wait_card(fake, ref)
        thread = card["message_thread_id"]
        await siti.send_text(f"/balas {ref} Terima kasih", chat_id=STAFF_CHAT_ID, thread_id=thread)
        await fake.wait_for(
            lambda: "Terima kasih" in (reporter.last_text() or ""), timeout=20, what="the relay"
        )
        await reporter.press("Reply")
        await reporter.wait_for_reply(timeout=10)
        await ask(reporter, "Saya aman.")
        posted = await wait_group(fake, f"The reporter of {ref} writes")
        assert posted["message_thread_id"] == thread and "Saya aman." in posted["text"]
