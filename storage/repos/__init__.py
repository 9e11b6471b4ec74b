"""Repositories: each takes a session and returns flow dataclasses."""
