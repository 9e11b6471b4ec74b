"""Effects the intake flow asks the adapter to carry out (besides `SubmitReport`)."""

from __future__ import annotations

from dataclasses import dataclass

from flows.core import Effect


@dataclass(frozen=True)
class ForgetMe(Effect):
    """Delete everything held for this chat: the stored conversation (draft) and any follow-up link.

    Tickets already filed stay (they hold no identity). The returned state holds nothing but the
    locale; the adapter should delete the conversation row rather than store it.
    """
