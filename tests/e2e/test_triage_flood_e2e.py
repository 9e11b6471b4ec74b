"""A flood: 100 reports in a minute. The group keeps to Telegram's 20 messages a minute and
gets digests instead of cards that would arrive late; the person on duty still gets every
urgent report at once; no ticket is lost (each is in a card or a digest, and a digest button
posts its card)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import STAFF_CHAT_ID, make_settings, running_app
from tests.e2e.staffkit import (
    ORDINARY,
    SITI,
    URGENT,
    card_of,
    group_texts,
    manual_clock,
    send_reports,
    set_up_task_force,
    staff_users,
    wait_card,
    wita,
)
from tests.fakes import FakeBotApi

REPORTS = 100


def busiest_minute(times: list[float]) -> int:
    """The most calls in any 60-second window."""
    ordered = sorted(times)
    return max(
        (sum(1 for t in ordered[i:] if t < start + 60) for i, start in enumerate(ordered)),
        default=0,
    )


async def test_a_hundred_reports_in_a_minute(fake: FakeBotApi, database_url: str) -> None:
    await set_up_task_force(database_url)
    settings = make_settings(
        fake, database_url, SLA_URGENT="400h", SLA_CHILD="400h", SLA_NORMAL="400h"
    )
    staff = staff_users(fake)
    clock = manual_clock(fake, wita(5, 9))
    reporters = [fake.user(user_id=9000 + n, started=True) for n in range(REPORTS)]
    answers = [URGENT if n % 10 == 3 else ORDINARY for n in range(REPORTS)]
    async with running_app(settings, fake, clock):
        refs = await send_reports(fake, settings, reporters, answers, clock.now())
        urgent = {r for r, a in zip(refs, answers, strict=True) if a is URGENT}
        # Each urgent report reaches the person on duty at once, flood or not.
        await fake.wait_for(
            lambda: all(any(r in t for t in staff[SITI].texts()) for r in urgent),
            timeout=60,
            what="every urgent report privately to Siti",
        )
        clock.advance(timedelta(seconds=61))  # the minute is over: its digest goes out

        def every_ticket_in_the_group() -> bool:
            texts = "\n".join(group_texts(fake))
            return all(r in texts for r in refs)

        await fake.wait_for(every_ticket_in_the_group, timeout=90, what="all 100 in the group")
        digests = [
            m for m in fake.messages_in(STAFF_CHAT_ID) if "arrived in a rush" in m.get("text", "")
        ]
        carded = [r for r in refs if card_of(fake, r) is not None]
        assert digests and 0 < len(carded) < 20
        listed = [r for r in refs if any(r in d["text"] for d in digests)]
        assert sorted(listed + carded) == sorted(refs)  # each once: a card or a digest line
        # A digest button posts that ticket's card, on demand.
        held = listed[0]
        siti = staff[SITI]
        await siti.press(held, message_id=digests[0]["message_id"], chat_id=STAFF_CHAT_ID)
        await wait_card(fake, held, "On duty: Siti")
    sends = [
        c.time
        for c in fake.calls
        if c.ok and c.method == "sendMessage" and str(c.params.get("chat_id")) == str(STAFF_CHAT_ID)
    ]
    assert busiest_minute(sends) <= 20
    assert fake.violations == [] and fake.failed_calls() == []
