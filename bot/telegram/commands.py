"""The command menus Telegram shows: reporters' in private chats, staff's in the staff group,
in each language we speak."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)

from bot.infra.i18n import Translator
from flows.core import Msg, t

REPORTER_COMMANDS: tuple[tuple[str, Msg], ...] = (
    ("start", t("Begin, or continue your report")),
    ("lapor", t("Make a new report")),
    ("batal", t("Stop and delete the report in progress")),
    ("bantuan", t("Help and emergency numbers")),
    ("bahasa", t("Change language")),
    ("hapus", t("Delete my data")),
    ("status", t("Check a report with its receipt")),
)


STAFF_COMMANDS: tuple[tuple[str, Msg], ...] = (
    ("tiket", t("Open tickets (baru, mendesak, saya, semua)")),
    ("lihat", t("Show a ticket with its notes and history")),
    ("ambil", t("Take a ticket")),
    ("tugaskan", t("Give a ticket to a colleague")),
    ("catatan", t("Internal note on a ticket")),
    ("balas", t("Message the reporter (if they chose follow-up)")),
    ("rujuk", t("Refer a ticket to an agency")),
    ("tutup", t("Close a ticket with a reason")),
    ("buka", t("Reopen a ticket")),
    ("piket", t("Who is on duty; take duty")),
    ("statistik", t("This week and this month in numbers")),
    ("staf", t("The staff register")),
    ("tahan", t("Legal hold on a ticket (coordinators)")),
    ("lepas", t("Lift a legal hold (coordinators)")),
    ("bantuan", t("Staff commands")),
)


async def publish_commands(
    bot: Bot, translator: Translator, default_locale: str, staff_chat_id: int | None = None
) -> None:
    """Set the menus: the default language, then one per language code."""
    menus: list[tuple[BotCommandScope, tuple[tuple[str, Msg], ...]]] = [
        (BotCommandScopeAllPrivateChats(), REPORTER_COMMANDS)
    ]
    if staff_chat_id:
        menus.append((BotCommandScopeChat(staff_chat_id), STAFF_COMMANDS))
    for scope, entries in menus:
        for code in (None, *translator.locales):
            locale = code or default_locale
            commands = [
                BotCommand(name, translator.render(text, locale, as_html=False))
                for name, text in entries
            ]
            await bot.set_my_commands(commands, scope=scope, language_code=code)
