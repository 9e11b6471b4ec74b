"""The walks the reporter's side was tried with, as events, and their transcript renderer.

A transcript holds the text of every message the reporter receives and every button label,
rendered in one locale exactly as Telegram gets them (HTML), then the staff card the walk
produced. The flow is stepped as the adapter would: effects are answered with the events the
real handlers send back (a fixed reference stands in for the ticket).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.effects.intake import ack_within
from bot.infra.i18n import Translator
from bot.infra.settings import Settings
from flows.core import ButtonEvent, CommandEvent, Event, MediaEvent, Reply, TextEvent
from flows.domain.card import ticket_card
from flows.domain.catalog import Catalog
from flows.domain.report import Report, add_later
from flows.domain.ticket import Ticket, TicketStatus
from flows.intake import (
    AddToReport,
    FileUrgent,
    ForgetMe,
    IntakeFlow,
    IntakeState,
    ReportFiled,
    SubmitReport,
    UrgentFiled,
)

REFERENCE = "TPPO-7K3M9Q"
START = datetime(2026, 3, 2, 1, 5, tzinfo=UTC)  # 09:05 in Nunukan (WITA)
ZONE = ZoneInfo("Asia/Makassar")
SLAS = Settings(
    _env_file=None,
    SLA_URGENT="5m",
    SLA_CHILD="15m",
    SLA_NORMAL="60m",
)  # the defaults, whatever the environment says

# An action: ("text", words) | ("tap", callback data) | ("command", name) | ("media", event).
Action = tuple[str, object]


@dataclass(frozen=True)
class Walk:
    """Who walks, in a few words, and what they do."""

    title: str
    actions: tuple[Action, ...]
    client_language: str | None = "id"


def voice() -> MediaEvent:
    return MediaEvent(START, "voice", file_id="AwACAgUAAxkBAAIBv2", file_unique_id="AgADvQ")


def photo() -> MediaEvent:
    return MediaEvent(
        START,
        "photo",
        file_id="AgACAgUAAxkBAAIBw2",
        file_unique_id="AQADw",
        caption="Ini kongsi tempat kami dikurung",
    )


WALKS: dict[str, Walk] = {
    "migrant_sabah": Walk(
        "a frightened migrant worker in Sabah: opens with the story and a voice note",
        (
            ("text", "Tolong, saya dikurung majikan di ladang dekat Lahad Datu. Paspor diambil."),
            ("media", voice()),
            ("tap", "1|dg|no"),
            ("tap", "1|ro|korban"),
            ("tap", "1|ma|adult"),
            ("tap", "1|in|documents_held"),
            ("tap", "1|in|unpaid"),
            ("tap", "1|in|confined"),
            ("tap", "1|in|!done"),
            ("tap", "1|pk|sabah"),
            ("tap", "1|sb|lahad_datu"),
            ("tap", "1|wh|ongoing"),
            ("tap", "1|vc|six_plus"),
            ("tap", "1|st|!skip"),
            ("tap", "1|rv|send"),
        ),
        client_language="ms",
    ),
    "mother_nunukan": Walk(
        "a mother in Nunukan who lost contact with her daughter",
        (
            ("command", "start"),
            ("tap", "1|dg|no"),
            ("tap", "1|ro|keluarga"),
            ("tap", "1|in|lost_contact"),
            ("tap", "1|in|broker"),
            ("tap", "1|in|irregular_route"),
            ("tap", "1|in|!done"),
            ("tap", "1|pk|kecamatan"),
            ("tap", "1|kc|nunukan_selatan"),
            ("tap", "1|wh|this_month"),
            ("tap", "1|vc|one"),
            ("command", "bantuan"),
            ("tap", "1|va|13_17"),
            (
                "text",
                "Anak saya berangkat ke Tawau lewat Sungai Nyamuk dengan seorang tekong. "
                "Sejak dua minggu HP-nya tidak aktif.",
            ),
            ("tap", "1|rv|send"),
        ),
    ),
    "forum_anak": Walk(
        "a forum anak child reporter who saw children taken across",
        (
            ("command", "start"),
            ("tap", "1|dg|no"),
            ("tap", "1|ro|forum_anak"),
            ("tap", "1|in|child"),
            ("tap", "1|in|broker"),
            ("tap", "1|in|!done"),
            ("tap", "1|pk|crossing"),
            ("tap", "1|cr|tunon_taka"),
            ("tap", "1|wh|today"),
            ("tap", "1|vc|two_five"),
            ("tap", "1|va|13_17"),
            ("tap", "1|rv|send"),
        ),
    ),
    "child_by_age": Walk(
        "a 15-year-old who says it happened to them",
        (
            ("command", "start"),
            ("tap", "1|dg|no"),
            ("tap", "1|ro|korban"),
            ("tap", "1|ma|13_17"),
            ("tap", "1|in|unpaid"),
            ("tap", "1|in|!done"),
            ("tap", "1|pk|sabah"),
            ("tap", "1|sb|tawau"),
            ("tap", "1|wh|ongoing"),
            ("tap", "1|vc|one"),
            ("tap", "1|rv|send"),
        ),
    ),
    "skips_everything": Walk(
        "someone who skips everything, and almost stops",
        (
            ("command", "start"),
            ("tap", "1|dg|!skip"),
            ("tap", "1|ro|!skip"),
            ("tap", "1|in|!done"),
            ("tap", "1|x|stop"),
            ("tap", "1|rs|go"),
            ("tap", "1|pk|!skip"),
            ("tap", "1|wh|!skip"),
            ("tap", "1|vc|!skip"),
            ("tap", "1|va|!skip"),
            ("tap", "1|st|!skip"),
            ("tap", "1|rv|send"),
            ("tap", "1|rv|anyway"),
        ),
    ),
    "fast_lane": Walk(
        "someone in danger in Sabah: the fast lane, then a few more answers",
        (
            ("command", "start"),
            ("tap", "1|dg|yes"),
            ("tap", "1|ug|malaysia"),
            ("tap", "1|ug|send"),
            ("tap", "1|ro|teman"),
            ("tap", "1|in|confined"),
            ("tap", "1|in|violence"),
            ("tap", "1|in|!done"),
            ("media", photo()),
            ("tap", "1|pk|sabah"),
            ("tap", "1|sb|kunak"),
            ("tap", "1|wh|today"),
            ("tap", "1|vc|!skip"),
            ("tap", "1|va|!skip"),
            ("tap", "1|st|!skip"),
            ("tap", "1|rv|send"),
        ),
        client_language="ms",
    ),
}


class Recorder:
    """Steps a walk through the flow and writes what the reporter sees, in one locale."""

    def __init__(
        self, flow: IntakeFlow, catalog: Catalog, translator: Translator, locale: str
    ) -> None:
        self.flow, self.catalog, self.tr, self.locale = flow, catalog, translator, locale
        self.lines: list[str] = []
        self.state: IntakeState | None = flow.new_state(locale)
        self.last: tuple[Reply, ...] = ()
        self.ticket: Report | None = None
        self.at = START

    def label(self, data: str) -> str:
        for reply in self.last:
            for row in reply.keyboard:
                for button in row:
                    if button.data == data:
                        return self.tr.render(button.label, self.locale, as_html=False)
        return f"(an old button: {data})"

    def reply(self, reply: Reply) -> None:
        self.lines.append("<<< edits the message:" if reply.edit else "<<<")
        self.lines += self.tr.render(reply.text, self.locale).split("\n")
        for row in reply.keyboard:
            labels = (self.tr.render(b.label, self.locale, as_html=False) for b in row)
            self.lines.append("    " + "  ".join(f"[{label}]" for label in labels))

    def step(self, event: Event) -> None:
        pending: list[Event] = [event]
        while pending:
            tr = self.flow.step(self.state, pending.pop(0))
            self.state = tr.state
            for reply in tr.replies:
                self.reply(reply)
            if tr.replies:
                self.last = tr.replies
            for effect in tr.effects:
                pending += self.effect(effect)

    def effect(self, effect: object) -> list[Event]:
        at = self.at
        if isinstance(effect, SubmitReport | FileUrgent):
            self.ticket = effect.report
            kind = "an urgent ticket at once" if isinstance(effect, FileUrgent) else "a ticket"
            self.lines.append(f"=== files {kind}: {REFERENCE}")
            done = UrgentFiled if isinstance(effect, FileUrgent) else ReportFiled
            return [done(at, REFERENCE)]
        if isinstance(effect, AddToReport):
            assert self.ticket is not None and effect.reference == REFERENCE
            self.ticket = add_later(self.ticket, effect.report, at)
            card = "the card is edited" if effect.announce else "the card is not edited"
            self.lines.append(f"=== adds to {REFERENCE}; {card}")
            return [ReportFiled(at, REFERENCE)] if effect.final else []
        assert isinstance(effect, ForgetMe)
        self.lines.append("=== forgets this chat")
        return []

    def play(self, walk: Walk) -> str:
        for n, (kind, value) in enumerate(walk.actions):
            self.at = START + timedelta(minutes=n)
            language = walk.client_language if n == 0 else None
            self.lines.append("")
            event: Event
            if kind == "text":
                self.lines.append(f">>> types: {value}")
                event = TextEvent(self.at, str(value), language=language)
            elif kind == "command":
                self.lines.append(f">>> sends /{value}")
                event = CommandEvent(self.at, str(value), language=language)
            elif kind == "tap":
                self.lines.append(f">>> taps [{self.label(str(value))}]")
                event = ButtonEvent(self.at, str(value), language=language)
            else:
                assert isinstance(value, MediaEvent)
                self.lines.append(
                    f">>> sends a {value.kind}"
                    + (f" with the words: {value.caption}" if value.caption else "")
                )
                event = MediaEvent(
                    self.at,
                    value.kind,
                    file_id=value.file_id,
                    file_unique_id=value.file_unique_id,
                    caption=value.caption,
                    language=language,
                )
            self.step(event)
        return self.render(walk)

    def render(self, walk: Walk) -> str:
        head = [
            f"# {walk.title} (locale {self.locale}, client language {walk.client_language}).",
            "# Regenerate on purpose: UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden",
            "# Lines: '>>>' what the reporter does, '<<<' a message from the bot (HTML as",
            "# sent; [buttons] one row per line), '===' what the adapter does.",
        ]
        card: list[str] = []
        if self.ticket is not None:
            due = START + ack_within(self.ticket, SLAS)
            ticket = Ticket(REFERENCE, TicketStatus.NEW, self.ticket, START, due)
            card = [
                "",
                f"=== the staff card ({self.locale}):",
                *self.tr.render(ticket_card(ticket, self.catalog, ZONE), self.locale).split("\n"),
            ]
        return "\n".join([*head, *self.lines, *card]) + "\n"


def transcript(
    walk: str,
    locale: str,
    make_flow: Callable[[], IntakeFlow],
    catalog: Catalog,
    translator: Translator,
) -> str:
    """The transcript of `walk` in `locale`."""
    return Recorder(make_flow(), catalog, translator, locale).play(WALKS[walk])
