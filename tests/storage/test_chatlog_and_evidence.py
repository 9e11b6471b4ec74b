"""Message ids for /hapus (48 hours, chunks of 100) and evidence kept with a ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.effects.registry import EffectContext
from bot.effects.wipe import ChatWipe
from bot.infra.crypto import Keys, new_data_key
from bot.infra.i18n import Translator
from bot.telegram.delivery.transport import IF_REFUSED
from bot.telegram.outgoing import Outgoing
from bot.telegram.updates import CHANNEL, Inbound
from flows.core import Event, Place
from flows.domain.report import Attachment
from storage.db import session_factory
from storage.repos.pipeline import chatlog, outbox
from storage.repos.pipeline.outbox import EVIDENCE, NewMessage
from storage.repos.triage import evidence

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
KEY = "a" * 64


async def test_ids_are_deletable_for_48_hours_then_purged(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        await chatlog.remember(s, KEY, [1, 2], NOW)
        await chatlog.remember(s, KEY, [2, 3], NOW + timedelta(hours=30))  # 2 is known already
        await chatlog.remember(s, "b" * 64, [9], NOW)
    async with sessions() as s, s.begin():
        assert await chatlog.deletable(s, KEY, NOW + timedelta(hours=47)) == [1, 2, 3]
        assert await chatlog.deletable(s, KEY, NOW + timedelta(hours=48)) == [3]
        assert await chatlog.purge(s, NOW + timedelta(hours=48)) == 3  # 1, 2 and the other 9
        assert await chatlog.deletable(s, KEY, NOW + timedelta(hours=48)) == [3]


async def test_a_wipe_asks_at_most_100_ids_a_call_and_forgets_them(engine: AsyncEngine) -> None:
    keys = Keys(new_data_key())
    out = Outgoing(keys, Translator())
    sessions = session_factory(engine)
    chat = 4242
    async with sessions() as s, s.begin():
        await chatlog.remember(s, keys.identity_key(chat), range(1, 251), NOW)
        inbound = Inbound(CHANNEL, chat, chat, Place.PRIVATE, Event(NOW))
        ctx = EffectContext(s, NOW, inbound, keys.identity_key(chat), "id")
        rows = await ChatWipe(out).messages(ctx)
        assert await chatlog.deletable(s, keys.identity_key(chat), NOW) == []
    calls = [out.open(r.sealed) for r in rows]
    assert [r.method for r in rows] == ["deleteMessages"] * 3
    assert [len(c["message_ids"]) for c in calls] == [100, 100, 50]
    assert sorted(i for c in calls for i in c["message_ids"]) == list(range(1, 251))
    assert all(c["chat_id"] == chat and "Telegram" in c[IF_REFUSED] for c in calls)


async def test_evidence_is_recorded_once_and_numbered_in_order(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    photo = Attachment("photo", file_id="F1", file_unique_id="U1", size=10, mime_type=None)
    voice = Attachment("voice", file_id="F2", file_unique_id="U2", mime_type="audio/ogg")
    place = Attachment("location", latitude=4.1, longitude=117.6)
    async with sessions() as s, s.begin():
        first = await evidence.queue(s, "TPPO-7K3M9Q", [photo, voice], NOW)
        again = await evidence.queue(s, "TPPO-7K3M9Q", [photo, voice, place], NOW)
        await evidence.fetched(
            s,
            "TPPO-7K3M9Q",
            evidence.row_key(photo),
            sha256="f" * 64,
            size=12,
            mime_type="image/jpeg",
            now=NOW,
        )
    assert [n.position for n in first] == [1, 2] and [n.position for n in again] == [3]
    async with sessions() as s:
        kept = await evidence.of(s, "TPPO-7K3M9Q")
    assert [(e.position, e.kind, e.sha256, e.size, e.mime_type) for e in kept] == [
        (1, "photo", "f" * 64, 12, "image/jpeg"),
        (2, "voice", None, None, "audio/ogg"),
        (3, "location", None, None, None),
    ]
    # Telegram's handles are never stored in the evidence table, only a hash of them.
    assert all("F1" not in evidence.row_key(a) for a in (photo, voice))


async def test_waiting_evidence_goes_after_cards_and_holds_no_card_back(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)

    def row(method: str, key: str) -> NewMessage:
        return NewMessage(key, True, method, b"x", ticket_ref="TPPO-AAAAAA")

    async with sessions() as s, s.begin():
        await outbox.add(s, [row(EVIDENCE, "lane")] * 12 + [row("sendMessage", "g")], NOW)
    async with sessions() as s, s.begin():
        assert await outbox.group_load(s, NOW + timedelta(minutes=5)) == 1  # the card only
        due = await outbox.due(s, NOW, 10, owner=1)
        assert [d.method for d in due] == ["sendMessage", EVIDENCE]  # each lane's head
        evidence_row = due[1]
        assert await outbox.lease(s, evidence_row.id, NOW, timedelta(minutes=1), owner=1)
        assert await outbox.mark_sent(s, evidence_row.id, NOW, owner=1)
        assert await outbox.group_load(s, NOW) == 2  # sent evidence counts in its minute
