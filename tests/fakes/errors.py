"""Telegram-style API errors raised inside the fake and turned into HTTP responses."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered as `{"ok": false, "error_code": status, "description": ...}`."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        """Keep the HTTP status, the description and optional `parameters`."""
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Telegram would send."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Build a 400 'Bad Request: ...' error."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Build a 403 'Forbidden: ...' error."""
    return ApiError(403, f"Forbidden: {detail}")
