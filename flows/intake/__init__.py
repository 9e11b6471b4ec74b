"""The reporter's intake conversation: one anonymous TPPO report, one question per message.

Drawn in `intake.md` beside this file. Modules: `flow` (steps), `state` (state and its codec),
`nav` (order, skip, review sections), `ask` (questions, keyboards, review), `text` (wording),
`callbacks` (button data), `effects` (what the adapter is asked to do).
"""

from flows.intake.effects import ForgetMe, ReportFiled, SubmitReport
from flows.intake.flow import IntakeFlow
from flows.intake.state import STATE_VERSION, Answers, IntakeState, Node, dump_state, load_state

__all__ = [
    "STATE_VERSION",
    "Answers",
    "ForgetMe",
    "IntakeFlow",
    "IntakeState",
    "Node",
    "ReportFiled",
    "SubmitReport",
    "dump_state",
    "load_state",
]
