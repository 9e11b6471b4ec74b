"""A fake Telegram Bot API server (ASGI) for tests, validated against the real spec."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.botapi_asgi import AsgiEndpoint, Call, Fault
from tests.fakes.botapi_server import serve_asgi
from tests.fakes.botapi_state import Store
from tests.fakes.botapi_updates import (
    UpdateQueue,
    Webhook,
    WebhookDelivery,
    is_allowed,
    update_type,
)
from tests.fakes.botapi_validate import Validator
from tests.fakes.ratelimit import Clock, FakeClock, RateLimiter, Violation
from tests.fakes.spec import Spec, load_spec

if TYPE_CHECKING:
    from tests.fakes.users import FakeUser


class FakeBotApi(AsgiEndpoint):
    """In-memory Telegram Bot API: validates calls, keeps chats, delivers simulated updates."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        rate_limits: bool = True,
        clock: Clock | None = None,
        spec: Spec | None = None,
        bot_username: str = "lapor_tppo_test_bot",
        bot_first_name: str = "Lapor TPPO (test)",
        think_time: float = 3.0,
    ) -> None:
        """Create the fake; `clock` drives rate limits (default: FakeClock on real time)."""
        self.token = token
        self.spec = spec or load_spec()
        self.validator = Validator(self.spec)
        self.clock: Clock = clock or FakeClock()
        self.think_time = think_time
        bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123456
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.bot_capabilities: dict[str, Any] = {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.store = Store(self.bot_user)
        self.updates = UpdateQueue()
        self.limiter = RateLimiter(self.clock)
        self.limiter.enabled = rate_limits
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.webhook: Webhook | None = None
        self.webhook_redirect: str | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.users: dict[int, FakeUser] = {}
        self.url = ""
        self._faults: list[Fault] = []
        self._changed = asyncio.Event()
        self._http: httpx.AsyncClient | None = None

    # ----------------------------------------------------------------- configuration
    @property
    def rate_limits(self) -> bool:
        """Whether flood limits are enforced."""
        return self.limiter.enabled

    @rate_limits.setter
    def rate_limits(self, enabled: bool) -> None:
        """Turn flood limits on or off."""
        self.limiter.enabled = enabled

    @property
    def api_url(self) -> str:
        """Base for PTB's `base_url` (`{url}/bot`)."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """Base for PTB's `base_file_url` (`{url}/file/bot`)."""
        return f"{self.url}/file/bot"

    # ----------------------------------------------------------------- inspection
    def calls_for(self, method: str) -> list[Call]:
        """Recorded calls of `method` (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def failed_calls(self, *, include_injected: bool = False) -> list[Call]:
        """Calls answered with an error (injected failures only if asked)."""
        return [
            c
            for c in self.calls
            if not c.ok and not c.client_gone and (include_injected or not c.injected)
        ]

    def messages_in(self, chat_id: int) -> list[dict[str, Any]]:
        """Current messages the bot sent to `chat_id` (after edits, without deleted ones)."""
        return self.store.bot_messages(chat_id)

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has sent at least `count` messages to `chat_id` in total."""
        await self.wait_for(
            lambda: (
                len(self.store.chats[chat_id].bot_log) >= count
                if chat_id in self.store.chats
                else False
            ),
            timeout,
            f"{count} bot message(s) in chat {chat_id}",
        )
        return self.messages_in(chat_id)

    def chat_history(self, chat_id: int) -> list[dict[str, Any]]:
        """Every current message in `chat_id` (users' and the bot's), oldest first."""
        state = self.store.chats.get(chat_id)
        if state is None:
            return []
        return copy.deepcopy([m for _, m in sorted(state.messages.items())])

    def unanswered_callback_queries(self) -> list[str]:
        """Ids of callback queries the bot never answered."""
        return [q for q in self.callback_queries if q not in self.callback_answers]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = ""
    ) -> Any:
        """Wait until `predicate()` is truthy (re-checked after every call); return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (result := predicate()):
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [(c.method, c.status) for c in self.calls[-8:]]
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what or predicate}; "
                    f"recent calls: {recent}; errors: {self.failed_calls()[-3:]}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return result

    # ----------------------------------------------------------------- users & updates
    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Siti",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        *,
        started: bool = False,
    ) -> FakeUser:
        """Create a simulated user; started=True: they already opened a chat with the bot."""
        from tests.fakes.users import FakeUser

        uid = user_id if user_id is not None else 5_000_000_001 + len(self.users)
        user = FakeUser(self, uid, first_name, last_name, username, language_code)
        self.users[uid] = user
        self.store.users[uid] = user.user_json
        if started:
            self.store.private_chat(user.user_json)
        return user

    def redirect_webhook(self, url: str | None) -> None:
        """Deliver webhook updates to `url` whatever URL the bot registered (None: undo)."""
        self.webhook_redirect = url

    async def deliver(self, update: dict[str, Any]) -> int | None:
        """POST `update` to the webhook (returns HTTP status) or queue it for getUpdates."""
        webhook = self.webhook
        if webhook is None:
            self.updates.push(update)
            self.notify()
            return None
        if not is_allowed(update_type(update), webhook.allowed_updates):
            return None
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        url = self.webhook_redirect or webhook.url
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=30.0)
        response = await self._http.post(url, json=update, headers=headers)
        self.webhook_deliveries.append(WebhookDelivery(update, url, response.status_code, headers))
        if not 200 <= response.status_code < 300:
            webhook.last_error_date = int(time.time())
            webhook.last_error_message = (
                f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
            )
        self.notify()
        return response.status_code

    def user_acted(self) -> None:
        """A simulated user did something: let `think_time` pass on a FakeClock."""
        if isinstance(self.clock, FakeClock):
            self.clock.advance(self.think_time)

    async def aclose(self) -> None:
        """Release long polls and the webhook HTTP client."""
        self.updates.close()
        if self._http is not None:
            await self._http.aclose()
            self._http = None


@contextlib.asynccontextmanager
async def run_fake_bot_api(token: str = "123:ABC", **kwargs: Any) -> AsyncIterator[FakeBotApi]:
    """Serve a FakeBotApi on 127.0.0.1 (free port); `fake.url` is its base URL."""
    fake = FakeBotApi(token, **kwargs)
    try:
        async with serve_asgi(fake) as url:
            fake.url = url
            try:
                yield fake
            finally:
                await fake.aclose()
    finally:
        await fake.aclose()


__all__ = ["Call", "FakeBotApi", "Fault", "run_fake_bot_api", "serve_asgi"]
