"""Tracked ids filled into nested parameters: a link to a card that exists, or no button."""

from __future__ import annotations

import copy
from typing import Any

from bot.telegram.delivery.fill import fill_call

CALL: dict[str, Any] = {
    "text": "card",
    "reply_markup": {
        "inline_keyboard": [
            [{"text": "Take", "callback_data": "t1|cl|TPPO-AAAAAA"}],
            [{"text": "Open", "url": "https://t.me/c/123/{id}"}],
        ]
    },
}
URL = "reply_markup.inline_keyboard.1.0.url"


def fill(params: dict[str, Any], ids: dict[str, int | None]) -> tuple[str, dict[str, Any]]:
    return fill_call("sendMessage", copy.deepcopy(params), ids)


def test_a_known_id_fills_the_template() -> None:
    _, params = fill(CALL, {URL: 42, "message_thread_id": 7})
    assert params["reply_markup"]["inline_keyboard"][1] == [
        {"text": "Open", "url": "https://t.me/c/123/42"}
    ]
    assert params["message_thread_id"] == 7
    assert "{id}" in CALL["reply_markup"]["inline_keyboard"][1][0]["url"]


def test_an_unknown_id_drops_the_button_and_its_emptied_row() -> None:
    _, params = fill(CALL, {URL: None, "message_thread_id": None})
    assert params["reply_markup"] == {
        "inline_keyboard": [  # the other buttons stay
            [{"text": "Take", "callback_data": "t1|cl|TPPO-AAAAAA"}]
        ]
    }
    assert "message_thread_id" not in params
    lone = {"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "Open", "url": "{id}"}]]}}
    _, params = fill(lone, {"reply_markup.inline_keyboard.0.0.url": None})
    assert params == {"text": "x"}


def test_a_path_that_does_not_fit_drops_its_parameter() -> None:
    _, params = fill(CALL, {"reply_markup.inline_keyboard.5.0.url": 42})
    assert params == {"text": "card"}
    _, params = fill({"text": "x"}, {"reply_parameters.message_id": 3})
    assert params == {"text": "x"}
