"""Test doubles that speak real protocols: a fake Telegram Bot API server and simulated users."""

from tests.fakes.botapi import Call, FakeBotApi, run_fake_bot_api, serve_asgi
from tests.fakes.botapi_validate import Upload
from tests.fakes.errors import ApiError
from tests.fakes.ratelimit import FakeClock, Violation
from tests.fakes.users import Delivery, FakeUser

__all__ = [
    "ApiError",
    "Call",
    "Delivery",
    "FakeBotApi",
    "FakeClock",
    "FakeUser",
    "Upload",
    "Violation",
    "run_fake_bot_api",
    "serve_asgi",
]
