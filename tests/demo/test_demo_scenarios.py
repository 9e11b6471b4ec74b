"""Every demo scenario files its tickets through the real application, so a change elsewhere that
breaks a scenario (new wording, reordered questions) shows here after a merge."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.demo.cast import BOT_USER, STAFF_CHAT_ID
from bot.demo.config import Declared
from bot.demo.run import running_demo
from bot.demo.scenarios import ScenarioError, choose, load_book, matches, screen
from bot.demo.standin.world import Person, World
from bot.infra.crypto import Keys
from bot.infra.settings import reveal
from storage.db import Database
from storage.models import Ticket
from storage.repos.triage import tickets

SINGLE = ("urgent_sabah", "forum_anak", "family_malay", "everyday")


@pytest.fixture(autouse=True)
def no_outside_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "PUBLIC_URL", "HOST", "DATABASE_URL", "DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_the_scenario_book_is_complete_and_checked(tmp_path: Path) -> None:
    book = load_book()
    assert set(SINGLE) | {"flood"} <= set(book.scenarios)
    flood = book.scenarios["flood"]
    assert flood.copies == 30 and set(flood.plays) == set(SINGLE)
    for scenario in book.scenarios.values():
        assert set(scenario.title) == {"id", "en"} and all(scenario.title.values())
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[scenario]]\nid = "x"\ntitle = {id = "x", en = "x"}\nreporter = "A"\n'
        'answers = [{ press = "name:yes" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="unknown button matcher"):
        load_book(broken)


@pytest.mark.parametrize(
    ("rule", "button", "expected"),
    [
        ("value:tawau", {"text": "Tawau", "callback_data": "1|sb|tawau"}, True),
        ("value:tawau", {"text": "Tawau", "callback_data": "2|place|tawau_x"}, False),
        ("data:1|st|", {"text": "Lewati", "callback_data": "1|st|!skip"}, True),
        ("label:lewati", {"text": "⏭ Lewati", "callback_data": "1|st|!skip"}, True),
        ("label:Bagikan lokasi", {"text": "Bagikan lokasi", "reply": True}, True),
        ("value:yes", {"text": "Bagikan lokasi", "reply": True}, False),
    ],
)
def test_buttons_are_matched_by_stable_values_or_labels(
    rule: str, button: dict[str, Any], expected: bool
) -> None:
    assert matches(rule, button) is expected


async def test_every_scenario_files_its_tickets_through_the_real_app(tmp_path: Path) -> None:
    async with running_demo(tmp_path, port=0, declared=Declared()) as demo:
        player, world = demo.parts.player, demo.parts.world
        played = dict(
            zip(SINGLE, await asyncio.gather(*(player.play(s) for s in SINGLE)), strict=True)
        )
        for result in played.values():
            assert result.failures == [] and len(result.references) == 1
        refs = {name: result.references[0] for name, result in played.items()}
        group = world.chats[STAFF_CHAT_ID]

        async def cards() -> set[str]:
            texts = " ".join(m.get("text", "") for m in group.messages.values())
            return {ref for ref in refs.values() if ref in texts}

        for _ in range(600):
            if await cards() == set(refs.values()):
                break
            await asyncio.sleep(0.1)
        assert await cards() == set(refs.values()), "every card reaches the staff group"

        flood = await player.play("flood")
        assert flood.failures == [] and len(flood.references) == 30

        settings = demo.parts.settings
        keys = Keys(reveal(settings.DATA_KEY))
        db = Database(settings.DATABASE_URL, sealer=keys)
        try:
            async with db.transaction() as session:
                count = await session.scalar(select(func.count()).select_from(Ticket))
                urgent = await tickets.get(session, refs["urgent_sabah"])
                child = await tickets.get(session, refs["forum_anak"])
                family = await tickets.get(session, refs["family_malay"])
        finally:
            await db.dispose()
    assert count == 34 and len({*refs.values(), *flood.references}) == 34
    # Each scenario tells the story its title promises.
    assert urgent is not None and urgent.report.urgent
    assert (urgent.report.place_kind, urgent.report.place) == ("crossing", "sungai_nyamuk")
    assert child is not None and child.report.child and child.report.reporter_role == "forum_anak"
    assert family is not None and family.report.reporter_role == "keluarga"
    assert family.report.place == "lahad_datu" and family.report.story
    # What staff saw names no reporter: the page shows names only on the reporter's side.
    reporters = [p for p in world.people.values() if p.role == "reporter"]
    staff_text = " ".join(str(m) for m in group.messages.values())
    assert not [p.name for p in reporters if p.name in staff_text or str(p.id) in staff_text]


def _buttons(*datas: str) -> list[dict[str, Any]]:
    return [{"text": d, "callback_data": d} for d in datas]


def test_a_simulated_reporter_answers_in_order_and_never_twice() -> None:
    book = load_book()
    scenario = book.scenarios["urgent_sabah"]
    used = [False] * len(scenario.answers)
    danger = _buttons("1|dg|yes", "1|dg|no", "1|dg|!skip", "1|x|stop")
    choice = choose(book, scenario, used, danger, any_button=True)
    assert choice is not None and choice.button == danger[0] and choice.answer == 0
    used[0] = True
    # Answered already: the same question again gets Skip (advance), never Stop (avoid).
    again = choose(book, scenario, used, danger, any_button=True)
    assert again is not None and again.button == danger[2] and again.answer is None
    story = choose(book, scenario, used, _buttons("1|st|!skip", "1|x|stop"), any_button=True)
    assert story is not None and story.text and "Sungai Nyamuk" in story.text
    unknown = _buttons("9|zz|a", "1|x|stop")
    fallback = choose(book, scenario, used, unknown, any_button=True)
    assert fallback is not None and fallback.button == unknown[0]  # something new: go on
    assert choose(book, scenario, used, unknown, any_button=False) is None
    assert choose(book, scenario, used, _buttons("1|x|stop"), any_button=True) is None


def test_after_a_reference_only_a_newer_question_is_on_screen() -> None:
    world = World(BOT_USER)
    chat = world.add_person(Person(7100000001, "Siti", "reporter"))
    review = {"inline_keyboard": [_buttons("1|rv|send")]}
    world.add_message(chat, {"text": "Kirim?", "reply_markup": review}, BOT_USER)
    world.add_message(chat, {"text": "Nomor laporan: TPPO-ABC234"}, BOT_USER)
    seen = screen(chat, 1)
    assert (seen.reference, seen.buttons) == ("TPPO-ABC234", [])
    # A fast lane may give the reference early and ask more: that question is on screen.
    world.add_message(
        chat,
        {"text": "Siapa Anda?", "reply_markup": {"inline_keyboard": [_buttons("1|ro|teman")]}},
        BOT_USER,
    )
    seen = screen(chat, 1)
    assert seen.reference == "TPPO-ABC234" and seen.buttons == _buttons("1|ro|teman")
    assert screen(chat, 4).reference is None  # only this run's messages count
