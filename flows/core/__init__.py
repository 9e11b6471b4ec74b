"""Vocabulary shared by every flow: events in; translatable replies and effects out.

Flows never import telegram, fastapi, sqlalchemy or babel, and never read the clock.
"""

from flows.core.errors import CatalogError, FlowError
from flows.core.events import ButtonEvent, CommandEvent, Event, MediaEvent, TextEvent
from flows.core.flow import Effect, Flow, Transition
from flows.core.replies import Button, Keyboard, Reply
from flows.core.router import Place, Route, Router, Rule, Where
from flows.core.text import Join, Msg, Plural, Raw, Text, t, tn

__all__ = [
    "Button",
    "ButtonEvent",
    "CatalogError",
    "CommandEvent",
    "Effect",
    "Event",
    "Flow",
    "FlowError",
    "Join",
    "Keyboard",
    "MediaEvent",
    "Msg",
    "Place",
    "Plural",
    "Raw",
    "Reply",
    "Route",
    "Router",
    "Rule",
    "Text",
    "TextEvent",
    "Transition",
    "Where",
    "t",
    "tn",
]
