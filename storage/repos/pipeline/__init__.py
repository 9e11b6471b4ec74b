"""Repositories of the pipeline: inbox, outbox, timers, tracked ids, send budget, conversations."""
