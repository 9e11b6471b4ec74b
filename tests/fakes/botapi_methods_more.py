"""Bot API methods beyond sending: edits, callbacks, webhook, commands and files."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from tests.fakes.botapi_methods import caption_content, handler, inline_markup
from tests.fakes.botapi_updates import CONFLICT_WEBHOOK, Webhook
from tests.fakes.botapi_validate import check_callback_answer, format_text
from tests.fakes.errors import ApiError, bad_request
from tests.fakes.spec import Definition

if TYPE_CHECKING:
    from tests.fakes.botapi import FakeBotApi

DELETE_WINDOW = 48 * 3600  # seconds within which a bot may delete a message
DELETE_MAX = 100  # ids in one deleteMessages
DOWNLOAD_MAX = 20 * 1024 * 1024  # bytes a bot may download (getFile)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _editable(api: FakeBotApi, params: dict[str, Any]) -> dict[str, Any] | None:
    """The live message an edit targets (None for inline messages)."""
    if params.get("inline_message_id"):
        return None
    if "chat_id" not in params:
        raise bad_request("chat_id is empty")
    if "message_id" not in params:
        raise bad_request("message identifier is not specified")
    message = api.store.get_message(params["chat_id"], params["message_id"])
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != api.bot_user["id"]:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(api: FakeBotApi, message: dict[str, Any], new: dict[str, Any]) -> Any:
    """Replace content keys and reply_markup, or fail with 'not modified'."""
    current = {k: message.get(k) for k in new}
    if current == {k: v or None for k, v in new.items()}:
        raise bad_request(NOT_MODIFIED)
    for key, value in new.items():
        if value:
            message[key] = copy.deepcopy(value)
        else:
            message.pop(key, None)
    message["edit_date"] = api.store.now()
    return copy.deepcopy(message)


@handler("editMessageText")
async def edit_message_text(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """editMessageText: like Telegram, omitting reply_markup removes the inline keyboard."""
    formatted = format_text(params) if "text" in params else None
    if formatted is None:
        raise bad_request("message text is empty")
    message = _editable(api, params)
    if message is None:
        return True
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    new = {
        "text": formatted.text,
        "entities": formatted.entities,
        "reply_markup": inline_markup(params),
    }
    return _apply_edit(api, message, new)


@handler("editMessageCaption")
async def edit_message_caption(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """editMessageCaption: media messages only."""
    caption = caption_content(params)
    message = _editable(api, params)
    if message is None:
        return True
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    new = {
        "caption": caption.get("caption"),
        "caption_entities": caption.get("caption_entities"),
        "reply_markup": inline_markup(params),
    }
    return _apply_edit(api, message, new)


@handler("editMessageReplyMarkup")
async def edit_message_reply_markup(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """editMessageReplyMarkup: replace or remove the inline keyboard."""
    message = _editable(api, params)
    if message is None:
        return True
    return _apply_edit(api, message, {"reply_markup": inline_markup(params)})


@handler("deleteMessage")
async def delete_message(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """deleteMessage: the message disappears from the chat (within 48 hours of being sent)."""
    message = api.store.get_message(params["chat_id"], params["message_id"])
    if message is None:
        raise bad_request("message to delete not found")
    if api.store.now() - message["date"] >= DELETE_WINDOW:
        raise bad_request("message can't be deleted")
    del api.store.chats[params["chat_id"]].messages[params["message_id"]]
    return True


@handler("deleteMessages")
async def delete_messages(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """deleteMessages: 1-100 ids; missing ones are skipped; any older than 48 hours and
    nothing is deleted."""
    ids = params["message_ids"]
    if not 1 <= len(ids) <= DELETE_MAX:
        raise bad_request("message_ids must contain 1-100 identifiers")
    state = api.store.chat(params["chat_id"])
    found = [state.messages[i] for i in ids if isinstance(i, int) and i in state.messages]
    if any(api.store.now() - m["date"] >= DELETE_WINDOW for m in found):
        raise bad_request("message can't be deleted")
    for message in found:
        del state.messages[message["message_id"]]
    return True


@handler("answerCallbackQuery")
async def answer_callback_query(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """answerCallbackQuery: only once, only for queries the fake issued."""
    check_callback_answer(params)
    query_id = params["callback_query_id"]
    if query_id not in api.callback_queries or query_id in api.callback_answers:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    api.callback_answers[query_id] = dict(params)
    return True


@handler("getMe")
async def get_me(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """getMe: the bot's User with its capabilities."""
    return {**api.bot_user, **api.bot_capabilities}


@handler("setWebhook")
async def set_webhook(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """setWebhook: remember url and secret_token (an empty url removes the webhook)."""
    if params.get("drop_pending_updates"):
        api.updates.drop_pending()
    if not params.get("url"):
        api.webhook = None
        return True
    api.webhook = Webhook(
        url=params["url"],
        secret_token=params.get("secret_token"),
        allowed_updates=params.get("allowed_updates") or None,
        max_connections=params.get("max_connections", 40),
        ip_address=params.get("ip_address"),
    )
    return True


@handler("deleteWebhook")
async def delete_webhook(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """deleteWebhook: back to getUpdates."""
    if params.get("drop_pending_updates"):
        api.updates.drop_pending()
    api.webhook = None
    return True


@handler("getWebhookInfo")
async def get_webhook_info(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """getWebhookInfo: empty url when polling."""
    if api.webhook is None:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(api.updates.pending),
        }
    return api.webhook.info(len(api.updates.pending))


@handler("getUpdates")
async def get_updates(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """getUpdates: 409 while a webhook is set."""
    if api.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    return await api.updates.get_updates(params)


@handler("leaveChat")
async def leave_chat(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """leaveChat: later sends to that chat get 403."""
    state = api.store.chat(params["chat_id"])
    if state.chat["type"] == "private":
        raise bad_request("chat member status can't be changed in private chats")
    state.unavailable = f"bot is not a member of the {state.chat['type']} chat"
    return True


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    """Key of a command list: (scope type, language_code)."""
    scope = params.get("scope") or {"type": "default"}
    return str(scope.get("type")), str(params.get("language_code") or "")


@handler("setMyCommands")
async def set_my_commands(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """setMyCommands: at most 100 commands, stored per scope and language."""
    if len(params["commands"]) > 100:
        raise bad_request("too many commands")
    api.commands[_commands_key(params)] = copy.deepcopy(params["commands"])
    return True


@handler("getMyCommands")
async def get_my_commands(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """getMyCommands: what setMyCommands stored."""
    return copy.deepcopy(api.commands.get(_commands_key(params), []))


@handler("deleteMyCommands")
async def delete_my_commands(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """deleteMyCommands: forget the list."""
    api.commands.pop(_commands_key(params), None)
    return True


@handler("getFile")
async def get_file(api: FakeBotApi, _: Definition, params: dict[str, Any]) -> Any:
    """getFile: File with a download path."""
    stored = api.store.files.get(params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_MAX:
        raise bad_request("file is too big")
    return stored.as_file()
