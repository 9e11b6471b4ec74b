"""The reporter's intake conversation: one anonymous TPPO report, one question per message.

Drawn in `intake.md` beside this file. Modules: `flow` (dispatch), `steps` (asking and moving
on), `fastlane` (the danger fast lane), `keep` (nothing thrown away: typed words and media),
`state` (state and its codec), `nav` (order and review sections), `ask` (keyboards), `review`
(the review and the empty check), `text` and `messages` (wording; help numbers by country),
`callbacks` (button data), `effects` (what the adapter is asked to do).
"""

from flows.intake.effects import (
    AddToReport,
    FileUrgent,
    ForgetMe,
    ReportFiled,
    SubmitReport,
    UrgentFiled,
)
from flows.intake.flow import IntakeFlow
from flows.intake.state import STATE_VERSION, Answers, IntakeState, Node, dump_state, load_state

__all__ = [
    "STATE_VERSION",
    "AddToReport",
    "Answers",
    "FileUrgent",
    "ForgetMe",
    "IntakeFlow",
    "IntakeState",
    "Node",
    "ReportFiled",
    "SubmitReport",
    "UrgentFiled",
    "dump_state",
    "load_state",
]
