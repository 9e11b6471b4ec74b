"""The command menu Telegram shows reporters, in each language we speak."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats

from bot.infra.i18n import Translator
from flows.core import Msg, t

REPORTER_COMMANDS: tuple[tuple[str, Msg], ...] = (
    ("start", t("Begin, or continue your report")),
    ("lapor", t("Make a new report")),
    ("batal", t("Stop and delete the report in progress")),
    ("bantuan", t("Help and emergency numbers")),
    ("bahasa", t("Change language")),
    ("hapus", t("Delete my data")),
)


async def publish_commands(bot: Bot, translator: Translator, default_locale: str) -> None:
    """Set the private-chat menu: the default language, then one per language code."""
    scope = BotCommandScopeAllPrivateChats()
    for code in (None, *translator.locales):
        locale = code or default_locale
        commands = [
            BotCommand(name, translator.render(text, locale, as_html=False))
            for name, text in REPORTER_COMMANDS
        ]
        await bot.set_my_commands(commands, scope=scope, language_code=code)
