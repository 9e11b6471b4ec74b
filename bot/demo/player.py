"""Playing scenarios: simulated reporters that act through the stand-in as people would."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from bot.demo.activity import Activity
from bot.demo.cast import new_reporter
from bot.demo.scenarios import (
    MAX_TURNS,
    Book,
    Played,
    Scenario,
    ScenarioError,
    Step,
    choose,
    matches,
    screen,
)
from bot.demo.standin.acting import Acting
from bot.demo.standin.world import Person, World

log = logging.getLogger(__name__)


class Player:
    """Plays scenarios; the page starts them, tests await them."""

    def __init__(
        self,
        book: Book,
        world: World,
        acting: Acting,
        activity: Activity,
        answer_timeout: float = 90.0,
    ) -> None:
        self.book = book
        self._world = world
        self._acting = acting
        self._activity = activity
        self._timeout = answer_timeout
        self._tasks: set[asyncio.Task[Played]] = set()

    def start(self, scenario_id: str, pace: float) -> None:
        """Play in the background (the page does not wait); progress goes to the page."""
        task = asyncio.create_task(self.play(scenario_id, pace), name=f"scenario-{scenario_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Stop every scenario still playing."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def play(self, scenario_id: str, pace: float = 0.0) -> Played:
        """Play a scenario to its end; `pace` is the pause in seconds between a person's acts."""
        scenario = self.book.scenarios.get(scenario_id)
        if scenario is None:
            raise ScenarioError(f"no scenario {scenario_id!r}")
        runs = (
            [(scenario, scenario.reporter)]
            if not scenario.plays
            else [
                (
                    self.book.scenarios[scenario.plays[n % len(scenario.plays)]],
                    f"{scenario.reporter} {n + 1}",
                )
                for n in range(scenario.copies)
            ]
        )
        played = Played(scenario.id)
        self._world.emit("scenario", id=scenario.id, state="running", reports=len(runs))
        results = await asyncio.gather(
            *(self._one(s, name, pace, n * pace / 4) for n, (s, name) in enumerate(runs)),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, str):
                played.references.append(result)
            elif isinstance(result, asyncio.CancelledError):
                raise result
            else:
                played.failures.append(f"{type(result).__name__}: {result}")
        self._world.emit(
            "scenario",
            id=scenario.id,
            state="failed" if played.failures else "done",
            reports=len(runs),
            filed=len(played.references),
            failures=played.failures[:3],
        )
        if played.failures:
            log.warning(
                "scenario %s: %d of %d reports not filed",
                scenario.id,
                len(played.failures),
                len(runs),
            )
        return played

    async def _one(self, scenario: Scenario, name: str, pace: float, delay: float) -> str:
        """One simulated reporter, from the first step to the ticket reference."""
        await asyncio.sleep(delay)
        person = new_reporter(name, scenario.language)
        chat = self._world.add_person(person)
        first = chat.next_id
        for step in scenario.script:
            await self._do(person, step, pace)
        used = [False] * len(scenario.answers)
        for _turn in range(MAX_TURNS):
            seen = screen(chat, first)
            # Once a reference is given, only answers and Done/Send/Skip-like buttons go on (a
            # fast lane may file the ticket early and still ask for details); else it is done.
            choice = choose(
                self.book, scenario, used, seen.buttons, any_button=seen.reference is None
            )
            if choice is None:
                if seen.reference is not None:
                    return seen.reference
                shown = [str(b.get("callback_data") or b.get("text")) for b in seen.buttons]
                raise ScenarioError(
                    f"{name} has no button to press and nothing to say "
                    f"(buttons shown: {shown or 'none'})"
                )
            if choice.answer is not None:
                used[choice.answer] = True
            if choice.text is not None:
                await self._act(
                    person, partial(self._acting.text, person.id, person.id, choice.text), pace
                )
            elif choice.button is not None:
                await self._press(person, seen.message_id, choice.button, pace)
        raise ScenarioError(f"{name} was not given a reference after {MAX_TURNS} answers")

    async def _do(self, person: Person, step: Step, pace: float) -> None:
        if step.send is not None:
            await self._act(
                person, partial(self._acting.text, person.id, person.id, step.send), pace
            )
            return
        seen = screen(self._world.chats[person.id], 0)
        button = next((b for b in seen.buttons if matches(step.press or "", b)), None)
        if button is None:
            if step.optional:
                return
            raise ScenarioError(f"{person.name} found no button {step.press!r}")
        await self._press(person, seen.message_id, button, pace)

    async def _press(
        self, person: Person, message_id: int | None, button: dict[str, Any], pace: float
    ) -> None:
        if button.get("reply") or message_id is None:  # a reply keyboard button sends its label
            await self._act(
                person,
                partial(self._acting.text, person.id, person.id, str(button.get("text", ""))),
                pace,
            )
            return
        await self._act(
            person,
            partial(
                self._acting.press, person.id, person.id, message_id, str(button["callback_data"])
            ),
            pace,
        )

    async def _act(self, person: Person, act: Callable[[], int], pace: float) -> None:
        act()
        if not await self._activity.idle(person.id, self._timeout):
            raise ScenarioError(f"the bot did not answer {person.name} within {self._timeout} s")
        await asyncio.sleep(pace)
