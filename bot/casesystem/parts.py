"""The case-system link's pieces, wired from the settings (used by `Services.build`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.casesystem.dispatcher import CaseDispatcher
from bot.casesystem.inbound import CaseInbound
from bot.casesystem.notices import GroupNotices
from bot.casesystem.sync import CaseEvents
from bot.effects.followup import Followup
from bot.effects.tickets import TicketAnnouncer
from bot.infra.clock import Clock
from bot.infra.crypto import Keys
from bot.infra.settings import Settings, reveal
from bot.telegram.outgoing import Outgoing
from storage.db import Database


@dataclass
class CaseLinkParts:
    """The case-system link's pieces; each is absent while its setting is unset."""

    events: CaseEvents
    dispatcher: CaseDispatcher | None
    inbound: CaseInbound | None

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        keys: Keys,
        clock: Clock,
        outgoing: Outgoing,
        announcer: TicketAnnouncer,
        wake_telegram: Callable[[], None],
        *,
        events: CaseEvents,
        reporter: Followup,
    ) -> CaseLinkParts:
        """Wire the outbound events, their dispatcher and the inbound route from `settings`."""
        group = GroupNotices(outgoing, settings.STAFF_CHAT_ID or 0, settings.DEFAULT_LOCALE)
        url, secret = settings.CASE_WEBHOOK_URL, reveal(settings.CASE_WEBHOOK_SECRET)
        dispatcher = None
        if url and secret:
            dispatcher = CaseDispatcher(
                db, keys, url=url, secret=secret, group=group, clock=clock, on_commit=wake_telegram
            )
        inbound = None
        if inbound_secret := reveal(settings.CASE_INBOUND_SECRET):
            inbound = CaseInbound(
                db,
                inbound_secret,
                clock=clock,
                events=events,
                announcer=announcer,
                group=group,
                relay=reporter.from_case,
                on_close=reporter.closed,
                on_commit=wake_telegram,
            )
        return cls(events, dispatcher, inbound)

    @staticmethod
    def events_for(settings: Settings, keys: Keys) -> CaseEvents:
        """The outbound case events (queued only while the webhook URL and secret are set)."""
        url, secret = settings.CASE_WEBHOOK_URL, reveal(settings.CASE_WEBHOOK_SECRET)
        return CaseEvents(keys, enabled=bool(url and secret))

    def woken_with(self, wake: Callable[[], None]) -> Callable[[], None]:
        """`wake`, and the case dispatcher too (a commit may have queued an event)."""
        dispatcher = self.dispatcher
        if dispatcher is None:
            return wake

        def both() -> None:
            wake()
            dispatcher.wake()

        return both
