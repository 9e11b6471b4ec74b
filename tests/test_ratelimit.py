"""The dispatcher's limits: Telegram's pace, spacing, pauses, and who has waited longest."""

from __future__ import annotations

import itertools

from bot.telegram.delivery.ratelimit import TelegramLimits


def _send(limits: TelegramLimits, chat: str, at: float, group: bool = False) -> float:
    wait = limits.wait(chat, group, at)
    if wait == 0:
        limits.record(chat, group, at)
    return wait


def test_never_more_than_28_a_second_and_evenly_spaced() -> None:
    limits = TelegramLimits()
    sent = [t / 100 for t in range(300) if _send(limits, f"chat{t}", t / 100) == 0]
    assert all(b - a >= 1 / 30 - 1e-9 for a, b in itertools.pairwise(sent))
    assert max(sum(1 for t in sent if s <= t < s + 1) for s in sent) <= 28


def test_a_private_chat_gets_a_burst_of_three_then_one_a_second() -> None:
    limits = TelegramLimits()
    assert [_send(limits, "a", 0.0 + i * 0.04) == 0 for i in range(4)] == [True] * 3 + [False]
    assert limits.wait("a", False, 3.01) == 0


def test_a_group_gets_twenty_a_minute() -> None:
    limits = TelegramLimits()
    sent = sum(_send(limits, "staff", float(t), group=True) == 0 for t in range(60))
    assert sent == 20


def test_a_429_pauses_only_that_chat() -> None:
    limits = TelegramLimits()
    limits.pause("a", until=10.0)
    assert limits.wait("a", False, 5.0) == 5.0
    assert limits.wait("b", False, 5.0) == 0


def test_chats_not_written_to_lately_come_first() -> None:
    limits = TelegramLimits()
    limits.record("served", False, 1.0)
    order = sorted(["served", "new"], key=limits.last_sent)
    assert order == ["new", "served"]
