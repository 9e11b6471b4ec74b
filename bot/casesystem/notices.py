"""What the task force's group is told about the case-system link (escaped, no content)."""

from __future__ import annotations

from typing import Any

from bot.telegram.outgoing import Outgoing
from flows.core import Raw, Text, t
from storage.repos.pipeline.outbox import NewMessage


def delivery_failed(event_type: str, reference: str, attempts: int, answer: str) -> Text:
    """An event was given up after its last try."""
    return t(
        "⚠️ The case system did not accept {event} of {reference} after {attempts} tries "
        "(last answer: {answer}). Coordinators: see <code>lapor-tppo outbox list</code>, "
        "and send it again with <code>lapor-tppo outbox retry</code> once the case system works.",
        event=Raw(event_type),
        reference=Raw(reference),
        attempts=attempts,
        answer=Raw(answer),
    )


def endpoint_gone() -> Text:
    """The endpoint answered 410 Gone."""
    return t(
        "⚠️ The case system answered that its address is gone (410). Nothing more is sent to "
        "it until an operator runs <code>lapor-tppo outbox retry</code>; events wait meanwhile."
    )


def status_from_case(reference: str, status: str, case_id: str | None) -> Text:
    """The case system changed a ticket's status."""
    if case_id:
        return t(
            "The case system set {reference} to <b>{status}</b> (case {case_id}).",
            reference=Raw(reference),
            status=Raw(status),
            case_id=Raw(case_id),
        )
    return t(
        "The case system set {reference} to <b>{status}</b>.",
        reference=Raw(reference),
        status=Raw(status),
    )


def not_relayed(reference: str) -> Text:
    """A message from the case system for a reporter who did not choose follow-up."""
    return t(
        "The case system sent a message for the reporter of {reference}. It was not passed "
        "on: the reporter did not choose to be contacted.",
        reference=Raw(reference),
    )


def relayed(reference: str) -> Text:
    """A message from the case system went on to the reporter."""
    return t(
        "The case system's message was passed on to the reporter of {reference}.",
        reference=Raw(reference),
    )


class GroupNotices:
    """Builds outbox rows for the staff group in its default language."""

    def __init__(self, outgoing: Outgoing, chat_id: int, locale: str) -> None:
        self._out = outgoing
        self._chat_id = chat_id
        self._locale = locale

    def message(self, text: Text, ticket_ref: str | None = None) -> NewMessage:
        """One message to the group; it goes before reporters' replies when many wait."""
        params: dict[str, Any] = {
            "text": self._out.render(text, self._locale),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        return self._out.call(
            self._chat_id, "sendMessage", params, ticket_ref=ticket_ref, priority=True
        )
