"""The one generic handler: update -> event -> route -> load state -> step -> effects -> commit.

It runs inside the worker's transaction, so state, tickets, timers and outbox rows commit
together or not at all. It knows no particular flow: the router picks one, the flow steps, and
the effect registry runs one handler per effect, stepping any events they answer with back
into the same flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.effects.abuse import AbuseLimiter
from bot.effects.registry import EffectContext, EffectRegistry, EffectResult
from bot.errors import BotError
from bot.infra.crypto import Keys
from bot.telegram.outgoing import PROMPT, Outgoing
from bot.telegram.updates import Inbound, parse_update, to_inbound
from flows.core import CommandEvent, Event, Flow, Place, Reply, Route, Router, Text, Where, t
from storage.repos.pipeline import chatlog, conversations
from storage.repos.pipeline.outbox import NewMessage
from storage.repos.pipeline.timers import NewTimer

APOLOGY = t(
    "Sorry, something went wrong on our side and we could not read your last message. "
    "Please send it again, or send /start to continue: your answers so far are kept.\n"
    "If you or someone else is in danger now, call the police: 110 in Indonesia, 999 in Malaysia."
)
# Effects answering with events that cause effects... a flow that loops is a bug: stop it.
MAX_EFFECT_ROUNDS = 16

StaffCheck = Callable[[AsyncSession, int], Awaitable[bool]]
# Turns an update's event into what its flow steps on (e.g. with the staff member who acted).
Enricher = Callable[[AsyncSession, Inbound], Awaitable[Event]]


async def nobody_is_staff(_session: AsyncSession, _user_id: int) -> bool:
    """The staff check before a staff register exists."""
    return False


class EffectLoop(BotError):
    """A flow and its effect handlers kept producing each other's work."""


@dataclass
class Handled:
    """What one update produced: outbox rows, timers, and references of tickets touched."""

    messages: list[NewMessage] = field(default_factory=list)
    timers: list[NewTimer] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


class UpdateHandler:
    """Routes one raw update to its flow and applies the flow's decision in the caller's session."""

    def __init__(
        self,
        *,
        keys: Keys,
        router: Router,
        flows: Mapping[str, Flow[Any]],
        effects: EffectRegistry,
        outgoing: Outgoing,
        staff_chat_id: int | None,
        default_locale: str,
        is_staff: StaffCheck = nobody_is_staff,
        enrich: Mapping[str, Enricher] | None = None,
        refuse_press: Text | None = None,
        priority_flows: frozenset[str] = frozenset(),
        limiter: AbuseLimiter | None = None,
        limited_flows: frozenset[str] = frozenset(),
    ) -> None:
        """`enrich` maps a flow name to what wraps its events; `refuse_press` answers a button
        pressed in the staff group by someone nobody acts for (a stranger, a forged press);
        replies of `priority_flows` (the task force's) go before others when many wait;
        `limiter` holds back private messages to `limited_flows` (the reporters') that come
        too fast."""
        missing = router.flows - set(flows)
        if missing:
            raise BotError(f"the router names flows nobody registered: {sorted(missing)}")
        effects.check(flows.values())
        self._keys = keys
        self._router = router
        self._flows = dict(flows)
        self._effects = effects
        self._out = outgoing
        self._staff_chat_id = staff_chat_id
        self._locale = default_locale
        self._is_staff = is_staff
        self._enrich = dict(enrich or {})
        self._refuse_press = refuse_press
        self._priority_flows = priority_flows
        self._limiter = limiter
        self._limited_flows = limited_flows

    async def handle(
        self,
        session: AsyncSession,
        raw: dict[str, Any],
        now: datetime,
        received_at: datetime | None = None,
    ) -> Handled:
        """Handle one update (stored at `received_at`); junk and updates meant for nobody
        produce nothing."""
        update = parse_update(raw)
        inbound = to_inbound(update, now, self._staff_chat_id) if update is not None else None
        if inbound is None:
            return Handled()
        staff = (
            bool(inbound.user_id)
            and self._router.cares_who(inbound.place, inbound.event)
            and await self._is_staff(session, inbound.user_id)
        )
        route = self._router.route(Where(inbound.place, staff), inbound.event)
        if route == Route.LEAVE:
            # Only the task force's own group may hold the bot: leave anywhere else.
            return Handled([self._out.call(inbound.chat_id, "leaveChat", {})])
        if route == Route.IGNORE:
            refusal = self._refuse_press if inbound.place is Place.STAFF_GROUP else None
            return Handled(self._acknowledge(inbound, refusal))
        if inbound.place is Place.PRIVATE and update is not None and update.message is not None:
            # For /hapus: the reporter's own messages, kept as ids for 48 hours.
            key = self._keys.identity_key(inbound.chat_id)
            await chatlog.remember(session, key, [update.message.message_id], now)
        return await self._step(session, self._flows[route], inbound, now, received_at or now)

    async def _step(
        self,
        session: AsyncSession,
        flow: Flow[Any],
        inbound: Inbound,
        now: datetime,
        received_at: datetime,
    ) -> Handled:
        key = self._keys.identity_key(inbound.user_id)
        state = await conversations.load(session, flow, key)
        if self._limiter is not None and flow.name in self._limited_flows:
            locale = self._locale if state is None else flow.locale(state)
            held = await self._limiter.admit(session, key, inbound, received_at, locale)
            if held is not None:
                return Handled(held)
        enrich = self._enrich.get(flow.name)
        event = inbound.event if enrich is None else await enrich(session, inbound)
        transition = flow.step(state, event)
        state, replies = transition.state, list(transition.replies)
        pending = list(transition.effects)
        done = EffectResult()
        for _round in range(MAX_EFFECT_ROUNDS):
            if not pending:
                break
            ctx = EffectContext(session, now, inbound, key, flow.locale(state))
            result = await self._effects.run(ctx, pending.pop(0))
            done.messages += result.messages
            done.timers += result.timers
            done.references += result.references
            done.drop_state |= result.drop_state
            for event in result.events:
                more = flow.step(state, event)
                state, replies, pending = (
                    more.state,
                    replies + list(more.replies),
                    pending + list(more.effects),
                )
        else:
            raise EffectLoop(f"flow {flow.name} still had effects after {MAX_EFFECT_ROUNDS}")
        if not done.drop_state:
            await conversations.save(session, flow, key, state, now)
        messages = (
            self._replies(inbound, replies, flow.locale(state), flow.name in self._priority_flows)
            + done.messages
        )
        return Handled(messages, done.timers, done.references)

    def _acknowledge(
        self,
        inbound: Inbound,
        notice: Text | None = None,
        locale: str | None = None,
        priority: bool = False,
    ) -> list[NewMessage]:
        """Stop the spinner on a pressed button, even when nobody acts on it (with a notice).

        In private chats the inbox writer answered it on arrival (bot/runtime/ingest.py).
        """
        if inbound.callback_query_id is None or inbound.place is Place.PRIVATE:
            return []
        if notice is not None:
            return [
                self._out.toast(
                    inbound.user_id,
                    inbound.callback_query_id,
                    notice,
                    locale or self._locale,
                    priority,
                )
            ]
        return [self._out.answer_callback(inbound.user_id, inbound.callback_query_id, priority)]

    def _replies(
        self, inbound: Inbound, replies: list[Reply], locale: str, priority: bool = False
    ) -> list[NewMessage]:
        """Replies to the chat (in its forum topic); the first toast answers a pressed button."""
        pressed = inbound.callback_query_id is not None
        toast = next((r for r in replies if r.toast), None) if pressed else None
        out = self._acknowledge(inbound, toast.text if toast else None, locale, priority)
        thread = inbound.thread_id if inbound.is_forum else None
        out.extend(
            self._out.reply(inbound.chat_id, r, locale, inbound.message_id, thread, priority)
            for r in replies
            if r is not toast
        )
        if isinstance(inbound.event, CommandEvent) and inbound.place is Place.PRIVATE:
            # A command (/batal, /start...) changes course: prompts still queued for the old
            # course are moot, so its answer does not wait behind them.
            out = [replace(m, replaces=PROMPT) if m.in_order else m for m in out]
        return out

    def apology(self, chat_id: int, locale: str | None = None) -> NewMessage:
        """The kind message sent when an update could not be handled at all."""
        return self._out.reply(chat_id, Reply(APOLOGY), locale or self._locale)
