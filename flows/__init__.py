"""Pure conversational state machines: events in, replies and effects out (no I/O, no clock)."""
