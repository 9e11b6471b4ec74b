"""The register for operators who still key cases in by hand: one row per ticket, SIMFONI-style
columns with Indonesian headers, dates in TIMEZONE. No reporter identity, no internal notes."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.i18n import Translator
from flows.core import Raw
from flows.domain.catalog import PLACE_LISTS, Catalog, option_text
from flows.domain.referral import OUTCOME_LABELS, agency_name
from flows.domain.ticket import Ticket
from flows.domain.triage import close_label
from storage.repos.case import links
from storage.repos.triage import referrals, staff, tickets

HEADERS = (
    "Nomor Referensi",
    "Tanggal Lapor",
    "Status",
    "Mendesak",
    "Korban Anak",
    "Di Malaysia",
    "Pelapor",
    "Tanggal Kejadian",
    "Alamat TKP",
    "Jumlah Korban",
    "Usia Korban",
    "Indikator",
    "Deskripsi",
    "Lampiran",
    "Petugas",
    "Tanggal Diterima",
    "Rujukan",
    "Tanggal Tutup",
    "Alasan Tutup",
    "ID Kasus",
)
STATUS = {"new": "baru", "acknowledged": "ditangani", "referred": "dirujuk", "closed": "ditutup"}
LOCALE = "id"


def day_range(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From the first moment of `start` to just after the last of `end`, in `zone`."""
    return (
        datetime.combine(start, time(), zone),
        datetime.combine(end + timedelta(days=1), time(), zone),
    )


class Register:
    """Builds register rows in Indonesian."""

    def __init__(self, catalog: Catalog, translator: Translator, zone: ZoneInfo) -> None:
        self._catalog = catalog
        self._tr = translator
        self._zone = zone

    def _label(self, list_name: str, option_id: str | None) -> str:
        text = option_text(self._catalog, list_name, option_id, Raw(""))
        return self._tr.render(text, LOCALE, as_html=False)

    def _when(self, at: datetime | None) -> str:
        return at.astimezone(self._zone).strftime("%Y-%m-%d %H:%M") if at else ""

    async def rows(self, session: AsyncSession, start: date, end: date) -> list[list[str]]:
        """One row per ticket filed from `start` to `end` (inclusive, local dates)."""
        since, until = day_range(start, end, self._zone)
        found = [t for t in await tickets.filed_since(session, since) if t.created_at < until]
        return [await self._row(session, t) for t in found]

    async def _row(self, session: AsyncSession, ticket: Ticket) -> list[str]:
        report = ticket.report
        place = (
            report.place_text or ""
            if report.place_kind == "typed"
            else self._label(PLACE_LISTS.get(report.place_kind or "", "kecamatan"), report.place)
        )
        holder = await staff.get(session, ticket.assignee) if ticket.assignee else None
        referred = [
            f"{self._tr.render(agency_name(r.agency), LOCALE, as_html=False)} "
            f"({self._tr.render(OUTCOME_LABELS[r.outcome], LOCALE, as_html=False)})"
            for r in await referrals.of(session, ticket.reference)
        ]
        reason = close_label(ticket.closed_reason)
        link = await links.get(session, ticket.reference)
        yes = {True: "ya", False: "tidak"}
        return [
            ticket.reference,
            self._when(ticket.created_at),
            STATUS.get(ticket.status.value, ticket.status.value),
            yes[ticket.urgent],
            yes[ticket.child],
            yes[report.in_malaysia],
            self._label("roles", report.reporter_role),
            self._label("when", report.when),
            place,
            self._label("victim_counts", report.victim_count),
            self._label("age_bands", report.victim_age),
            "; ".join(self._label("indicators", i) for i in report.indicators),
            report.story or "",
            str(len(report.attachments)),
            holder.name if holder else "",
            self._when(ticket.acknowledged_at),
            "; ".join(referred),
            self._when(ticket.closed_at),
            self._tr.render(reason, LOCALE, as_html=False)
            if reason
            else ticket.closed_reason or "",
            (link.case_id or "") if link else "",
        ]


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ would be a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def write_csv(rows: Sequence[Sequence[str]], out: IO[str]) -> None:
    """The register as CSV with a header line."""
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows([_cell(c) for c in row] for row in rows)


def write_xlsx(rows: Sequence[Sequence[str]], path: Path) -> None:
    """The register as an Excel workbook, one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Register TPPO"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([_cell(c) for c in row])
    sheet.freeze_panes = "A2"
    book.save(path)
