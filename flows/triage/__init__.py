"""Staff triage: commands and buttons on tickets in the task force's group.

Drawn in `triage.md` beside this file. Modules: `flow` (steps), `state` (a note awaited),
`commands` (command names and arguments), `callbacks` (button data), `effects` and `events`
(what the adapter is asked, what it answers); `render/`: `replies` (answers in words), `views`
(tickets, lists, duty, statistics, the register), `notices` (private messages, group calls,
digests), `keyboards` (buttons), `text` (wording).
"""

from flows.triage.effects import TRIAGE_EFFECTS, Who
from flows.triage.events import Answered, StaffEvent
from flows.triage.flow import TriageFlow
from flows.triage.state import TriageState

__all__ = ["TRIAGE_EFFECTS", "Answered", "StaffEvent", "TriageFlow", "TriageState", "Who"]
