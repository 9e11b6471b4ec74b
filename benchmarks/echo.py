"""A bare python-telegram-bot echo bot behind the same kind of webhook route, for comparison.

`python -m benchmarks.echo` (settings from the environment, as `benchmarks.server` gives them)
serves `POST /telegram/webhook` with FastAPI under uvicorn, configured as `lapor-tppo run` is:
the secret header is checked, the JSON body becomes an `Update` put on PTB's
`Application.update_queue`, and a `MessageHandler` replies with `send_message` to the same fake
Bot API. No database, no rate limiter: the floor any webhook bot in this stack pays. `GET
/stats` says how many updates the handler has finished, so the caller knows when it is idle.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_echo_app(token: str, api_url: str, secret: str) -> FastAPI:
    """The echo bot's FastAPI app; PTB's Application starts and stops with it."""
    counts = {"handled": 0, "sent": 0, "refused": 0}
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .request(HTTPXRequest(connection_pool_size=32, read_timeout=15))
        .updater(None)
        .concurrent_updates(True)
        .build()
    )

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        try:
            if message is not None and message.text is not None:
                await message.get_bot().send_message(message.chat_id, message.text)
                counts["sent"] += 1
        except TelegramError:  # a 429 from the fake's flood limits: counted, not retried
            counts["refused"] += 1
        finally:
            counts["handled"] += 1

    application.add_handler(MessageHandler(filters.TEXT, echo))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with application:
            await application.start()
            try:
                yield
            finally:
                await application.stop()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/telegram/webhook")
    async def webhook(request: Request) -> JSONResponse:
        if request.headers.get(SECRET_HEADER) != secret:
            return JSONResponse({"ok": False}, status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return JSONResponse({"ok": False}, status_code=400)
        await application.update_queue.put(update)
        return JSONResponse({"ok": True})

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/stats")
    async def stats() -> dict[str, int]:
        return dict(counts)

    return app


def main() -> int:
    """Serve the echo bot on HOST:PORT until SIGTERM."""
    app = create_echo_app(
        os.environ["TELEGRAM_BOT_TOKEN"],
        os.environ["TELEGRAM_API_URL"],
        os.environ["TELEGRAM_WEBHOOK_SECRET"],
    )
    config = uvicorn.Config(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ["PORT"]),
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
