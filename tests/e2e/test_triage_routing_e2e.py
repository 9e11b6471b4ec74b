"""Routing and escalation through the real app in simulated time: the person on duty at
different times of the week (overnight shift, backup, nobody on duty), a primary who never
started the bot (403), and the SLA ladder across a restart that missed deadlines."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import STAFF_CHAT_ID, make_settings, running_app
from tests.e2e.staffkit import (
    ANDI,
    ANI,
    BUDI,
    ORDINARY,
    SITI,
    as_time_passes,
    audit_actions,
    card_of,
    group_texts,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wait_group,
    wait_private,
    wita,
)
from tests.fakes import FakeBotApi


async def test_each_ticket_goes_to_whoever_is_on_duty_when_it_is_filed(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="400h")  # no reminder this week
    staff = staff_users(fake)
    clock = manual_clock(fake, wita(5, 9))  # Monday 09:00
    async with running_app(settings, fake, clock):
        moments = [
            (wita(5, 9), SITI, "On duty: Siti; backup: Andi"),
            (wita(5, 23), BUDI, "On duty: Budi"),  # Monday night, overnight shift...
            (wita(6, 3), BUDI, "On duty: Budi"),  # ...still Budi at 03:00 Tuesday
            (wita(10, 10), ANI, "Nobody is on duty: for the coordinators (Ani)."),
        ]
        for n, (at, person, card_line) in enumerate(moments):
            clock.set(at)
            reporter = fake.user(user_id=7000 + n, started=True)
            (ref,) = await send_reports(fake, settings, [reporter], ORDINARY, at)
            card = await wait_card(fake, ref, card_line)
            assert "Received: 2026-01-" in card["text"] and "Victim and witness" in card["text"]
            (dm,) = await wait_private(fake, staff[person], ref)
            assert ("nobody is on duty" in dm) is (person == ANI)
            assert "Sebatik Barat" in dm
            # Once the card is out, its link is added to the private message.
            link = f"https://t.me/c/1234567890/{card['message_id']}"
            await as_time_passes(
                fake,
                clock,
                lambda p=person, url=link: url in str(staff[p].messages()[-1]),
                "the link to the card",
            )
        assert [u.id for u in staff.values() if u.texts()] == [SITI, BUDI, ANI]
        assert len(staff[BUDI].texts()) == 2
    assert fake.violations == [] and fake.failed_calls() == []


async def test_a_primary_the_bot_cannot_reach_is_named_and_the_backup_gets_it(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url)
    staff = staff_users(fake, started=(BUDI, ANDI, ANI))  # Siti never opened the bot
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7100, started=True)], ORDINARY, clock.now()
        )
        card = await wait_card(fake, ref, "Siti could not be reached by private message")
        assert "On duty: Siti; backup: Andi" in card["text"]
        (dm,) = await wait_private(fake, staff[ANDI], "this report is yours as backup")
        assert "Siti could not be reached" in dm and ref in dm
    assert [c.status for c in fake.failed_calls() if c.method == "sendMessage"] == [403]
    assert ("system", "dm_failed") in await audit_actions(database_url, ref)
    # The card is edited in place, never sent twice.
    assert sum(ref in t for t in group_texts(fake)) == 1


async def test_when_the_backup_cannot_be_reached_either_the_coordinators_get_it(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    await set_up_task_force(sqlite_url)
    settings = make_settings(fake, sqlite_url)
    staff = staff_users(fake, started=(BUDI, ANI))  # neither Siti nor Andi opened the bot
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7150, started=True)], ORDINARY, clock.now()
        )
        card = await wait_card(fake, ref, "Andi could not be reached")
        assert "Siti could not be reached" in card["text"]
        (dm,) = await wait_private(fake, staff[ANI], "Andi could not be reached")
        assert ref in dm and not staff[BUDI].texts()
    assert [c.status for c in fake.failed_calls()] == [403, 403]


async def test_escalation_follows_the_ladder_and_a_restart_catches_up_exactly_once(
    fake: FakeBotApi, database_url: str
) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(fake, database_url, SLA_NORMAL="60s")
    staff = staff_users(fake)
    clock = manual_clock(fake, wita(5, 9))
    async with running_app(settings, fake, clock):
        (ref,) = await send_reports(
            fake, settings, [fake.user(user_id=7200, started=True)], ORDINARY, clock.now()
        )
        await wait_private(fake, staff[SITI], "New report for you")
        clock.advance(29)
        assert not [t for t in staff[SITI].texts() if "Reminder" in t]
        clock.advance(1)  # half the SLA
        await wait_private(fake, staff[SITI], "Reminder: nobody has taken this report yet")
        clock.advance(30)  # the full SLA: the backup
        await wait_private(fake, staff[ANDI], "Nobody took this report in 1 minute")
        await wait_card(fake, ref, "handed to the backup")
        assert not staff[ANI].texts()
    # Down for a minute: the coordinators' step (1.5x) and the whole group's (2x) both pass.
    later = manual_clock(fake, clock.now() + timedelta(seconds=61))
    async with running_app(settings, fake, later):
        call = await wait_group(fake, "Everyone:")
        assert f"{ref} has waited 2 minutes" in call["text"]
        assert call["reply_to_message"]["message_id"] == card_of(fake, ref)["message_id"]  # type: ignore[index]
        await wait_card(fake, ref, "the whole group was called")
        later.advance(600)
        siti = staff[SITI]
        await siti.press(
            "Take",
            message_id=card_of(fake, ref)["message_id"],  # type: ignore[index]
            chat_id=STAFF_CHAT_ID,
        )
        await wait_card(fake, ref, "Held by: Siti")
    assert sum("Everyone:" in t for t in group_texts(fake)) == 1
    assert not staff[ANI].texts()  # the missed 1.5x step was not taken late on top of 2x
    steps = [a for a in await audit_actions(database_url, ref) if a[1] == "escalated"]
    assert len(steps) == 3  # reminder, backup, whole group: each once
    assert fake.violations == []
