"""`lapor-tppo outbox ...`, `reconcile` and `export`: the operator's view of the case link.

`outbox list` shows the Telegram outbox as counts (its rows name chats and are sealed) and each
case-system event; `outbox show ID` and `outbox retry [ID]` act on case events by their id.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casesystem.export import Register, write_csv, write_xlsx
from bot.cli.session import in_transaction, key_ring
from bot.infra.catalog import load_catalog
from bot.infra.clock import Clock
from bot.infra.crypto import CryptoError
from bot.infra.i18n import Translator
from bot.infra.settings import Settings
from storage.repos.case import events, links
from storage.repos.case.events import EventInfo


def _when(at: object) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if hasattr(at, "strftime") else "-"


def _line(e: EventInfo) -> str:
    last = f"HTTP {e.last_code}" if e.last_code else (e.error or "-")
    due = f"next {_when(e.next_attempt_at)}" if e.status == "pending" else _when(e.sent_at)
    return (
        f"{e.id:>6}  {e.status:<7}  {e.ticket_ref}  {e.type:<23}  tries {e.attempts}  "
        f"{due}  last: {last}"
    )


def outbox_list(settings: Settings, status: str | None) -> int:
    """What is waiting, failed or sent, per channel."""

    async def work(session: AsyncSession) -> list[str]:
        counts = await events.telegram_counts(session)
        telegram = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "empty"
        stats = await events.stats(session)
        disabled = await links.disabled(session)
        lines = [
            f"telegram: {telegram}",
            f"case: {stats.pending} pending, {stats.failed} failed, {stats.sent} sent"
            + (f"; endpoint DISABLED ({disabled})" if disabled else ""),
        ]
        if status is None:
            shown = await events.listing(session, "failed") + await events.listing(
                session, "pending"
            )
            shown += await events.listing(session, "sent", limit=10)
        else:
            shown = await events.listing(session, status)
        return lines + [_line(e) for e in shown]

    print("\n".join(in_transaction(settings, work)))
    return 0


def outbox_show(settings: Settings, event_id: int) -> int:
    """One case event, with its body while it waits (no identity is ever in it)."""

    async def work(session: AsyncSession) -> tuple[EventInfo, bytes | None] | None:
        return await events.get(session, event_id)

    found = in_transaction(settings, work)
    if found is None:
        print(f"lapor-tppo: no case event {event_id}", file=sys.stderr)
        return 1
    info, sealed = found
    print(_line(info))
    print(f"webhook-id: {info.webhook_id}")
    if sealed is None:
        print("body: erased once the case system accepted it")
        return 0
    try:
        body = json.loads(key_ring(settings).open(sealed))
    except (CryptoError, ValueError):
        print("body: cannot be opened with this DATA_KEY")
        return 1
    print(json.dumps(body, indent=2, ensure_ascii=False))
    return 0


def outbox_retry(settings: Settings, event_id: int | None) -> int:
    """Enable the endpoint again if a 410 disabled it; send failed events (one, or all) again."""

    async def work(session: AsyncSession) -> tuple[bool, int, int]:
        now = Clock().now()
        enabled = await links.enable(session)
        retried = await events.retry(session, now, event_id)
        due = await events.due_now(session, now)
        return enabled, retried, due

    enabled, retried, due = in_transaction(settings, work)
    if enabled:
        print("case endpoint enabled again")
    print(f"{retried} failed case event(s) will be sent again; {due} waiting one(s) are due now")
    return 0


def reconcile(settings: Settings) -> int:
    """Tickets the case system never confirmed, or whose status there differs; exit 1 if any."""

    async def work(session: AsyncSession) -> list[str]:
        found = await links.out_of_step(session)
        stats = await events.stats(session)
        lines = [
            f"{o.reference}  {o.status:<12}  "
            + (
                "never confirmed by the case system"
                if o.problem == "unconfirmed"
                else f"the case system says {o.case_status}"
            )
            for o in found
        ]
        lines.append(
            f"{len(found)} ticket(s) out of step; case events {stats.pending} pending, "
            f"{stats.failed} failed"
        )
        return lines

    lines = in_transaction(settings, work)
    print("\n".join(lines))
    return 1 if len(lines) > 1 else 0


def export(settings: Settings, start: date, end: date, fmt: str, output: Path | None) -> int:
    """Write the register (CSV to standard output when no file is named)."""
    if fmt == "xlsx" and output is None:
        print("lapor-tppo: xlsx needs --output FILE", file=sys.stderr)
        return 2
    if end < start:
        print("lapor-tppo: --to is before --from", file=sys.stderr)
        return 2
    register = Register(load_catalog(settings.CATALOG_FILE), Translator(), settings.zone)

    async def work(session: AsyncSession) -> list[list[str]]:
        return await register.rows(session, start, end)

    rows = in_transaction(settings, work)
    if fmt == "xlsx" and output is not None:
        write_xlsx(rows, output)
    elif output is not None:
        with output.open("w", encoding="utf-8", newline="") as out:
            write_csv(rows, out)
    else:
        write_csv(rows, sys.stdout)
    if output is not None:
        print(f"{len(rows)} ticket(s) written to {output}", file=sys.stderr)
    return 0
