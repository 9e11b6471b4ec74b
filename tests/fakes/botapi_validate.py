"""Validation of Bot API calls against api.json plus Telegram's documented limits."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

from tests.fakes.errors import ApiError, bad_request
from tests.fakes.spec import Definition, Spec
from tests.fakes.tgformat import PARSE_MODES, EntityParseError, Formatted, parse_formatted

TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
CALLBACK_ANSWER_MAX = 200
INLINE_BUTTONS_MAX = 100
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_PRIMITIVES = {"Integer", "Float", "String", "Boolean", "True", "InputFile"}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


class Validator:
    """Checks one call's parameters against a method definition from the spec."""

    def __init__(self, spec: Spec) -> None:
        """Keep the spec used for nested type lookups."""
        self.spec = spec

    def validate_call(
        self, method: Definition, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> tuple[dict[str, Any], dict[str, Upload]]:
        """Return decoded params and attach:// uploads, or raise a Telegram-style 400."""
        params: dict[str, Any] = {}
        for name, value in raw.items():
            field = method.fields.get(name)
            if field is None:
                raise bad_request(f"unknown parameter {name}")
            if value == "" and field.types != ("String",):
                continue
            params[name] = self._coerce_top(name, field.types, value)
        attachments: dict[str, Upload] = {}
        referenced = _attach_refs(params)
        for name, upload in uploads.items():
            field = method.fields.get(name)
            if field is not None and "InputFile" in field.types:
                params[name] = upload
            elif name in referenced:
                attachments[name] = upload
            else:
                raise bad_request(f"unknown parameter {name}")
        params = _resolve_attachments(params, attachments)
        for field in method.fields.values():
            if field.required and params.get(field.name) in (None, ""):
                what = "message text" if field.name == "text" else field.name
                raise bad_request(f"{what} is empty")
        self._check_limits(params)
        return params, attachments

    def _coerce_top(self, name: str, types: tuple[str, ...], value: Any) -> Any:
        """Decode a top-level value (JSON-encoded unless String) and type-check it."""
        candidates = [value]
        if isinstance(value, str) and types != ("String",):
            with contextlib.suppress(ValueError):
                candidates.insert(0, json.loads(value))
        error = ""
        for candidate in candidates:
            problem = self.check_union(types, candidate, name)
            if problem is None:
                return candidate
            error = error or problem
        raise bad_request(error)

    def check_union(self, types: tuple[str, ...], value: Any, path: str) -> str | None:
        """Return None if `value` matches one of `types`, else an error text."""
        errors = [self.check_type(t, value, path) for t in types]
        if any(e is None for e in errors):
            return None
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            # A spec union of arrays ("Array of InputMediaPhoto or ...") also admits mixed lists.
            inner = tuple(t[len("Array of ") :] for t in types)
            if isinstance(value, list) and all(
                self.check_union(inner, item, f"{path}[{i}]") is None
                for i, item in enumerate(value)
            ):
                return None
        if isinstance(value, dict):
            fitting = [
                e
                for t, e in zip(types, errors, strict=True)
                if t in self.spec.types and _has_required(self.spec.types[t], value)
            ]
            if len(fitting) == 1:
                return fitting[0]
        if len(types) == 1:
            return errors[0]
        return f'field "{path}" must be of type {" or ".join(types)}'

    def check_type(self, type_name: str, value: Any, path: str) -> str | None:
        """Return None if `value` matches `type_name`, else an error text."""
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return f'field "{path}" must be of type {type_name}'
            inner = type_name[len("Array of ") :]
            for index, item in enumerate(value):
                problem = self.check_type(inner, item, f"{path}[{index}]")
                if problem:
                    return problem
            return None
        if type_name in _PRIMITIVES:
            return (
                None
                if _primitive_ok(type_name, value)
                else (f'field "{path}" must be of type {type_name}')
            )
        definition = self.spec.types.get(type_name)
        if definition is None:
            return None
        if definition.subtypes:
            return self.check_union(definition.subtypes, value, path)
        if not isinstance(value, dict):
            return f'field "{path}" must be an object of type {type_name}'
        for key in value:
            if definition.fields and key not in definition.fields:
                return f'unknown field "{path}.{key}" in {type_name}'
        for field in definition.fields.values():
            sub = f"{path}.{field.name}"
            if field.name not in value:
                if field.required:
                    return f'field "{sub}" of {type_name} is required'
                continue
            problem = self.check_union(field.types, value[field.name], sub)
            if problem:
                return problem
        return None

    def _check_limits(self, params: dict[str, Any]) -> None:
        """Telegram's limits that the spec only states in prose."""
        mode = params.get("parse_mode")
        if isinstance(mode, str) and mode and mode.lower() not in PARSE_MODES:
            raise bad_request("unsupported parse_mode")
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            check_reply_markup(markup)
        for command in params.get("commands") or []:
            if isinstance(command, dict):
                if not _COMMAND_RE.match(str(command.get("command", ""))):
                    raise bad_request("BOT_COMMAND_INVALID")
                if not 1 <= len(str(command.get("description", ""))) <= 256:
                    raise bad_request("command description must be 1-256 characters long")
        secret = params.get("secret_token")
        if isinstance(secret, str) and not _SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")


def check_reply_markup(markup: dict[str, Any]) -> None:
    """Check inline/reply keyboards: labels, exactly one action, callback_data size."""
    rows = markup.get("inline_keyboard")
    if rows is None:
        for row in markup.get("keyboard") or []:
            for button in row:
                label = button if isinstance(button, str) else button.get("text", "")
                if not label:
                    raise bad_request("keyboard button text must be non-empty")
        return
    if sum(len(row) for row in rows) > INLINE_BUTTONS_MAX:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise bad_request("inline keyboard button text must be non-empty")
            actions = _BUTTON_ACTIONS.intersection(button)
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of "
                    f"{sorted(actions)} must be used"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"^(https?|tg)://\S+$", url):
                raise bad_request("BUTTON_URL_INVALID")


def format_text(params: dict[str, Any], *, caption: bool = False) -> Formatted | None:
    """Parse `text` (or `caption`) with parse_mode/entities, enforcing Telegram's lengths."""
    key = "caption" if caption else "text"
    raw = params.get(key)
    if raw is None:
        return None
    entities_key = "caption_entities" if caption else "entities"
    try:
        formatted = parse_formatted(raw, params.get("parse_mode"), params.get(entities_key))
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    except ValueError as exc:
        raise bad_request("unsupported parse_mode") from exc
    length = len(formatted.text)
    if caption:
        if length > CAPTION_MAX:
            raise bad_request("message caption is too long")
        return formatted
    if length == 0:
        raise bad_request("message text is empty")
    if length > TEXT_MAX:
        raise bad_request("message is too long")
    return formatted


def check_callback_answer(params: dict[str, Any]) -> None:
    """answerCallbackQuery: text is at most 200 characters."""
    if len(params.get("text") or "") > CALLBACK_ANSWER_MAX:
        raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")


def _primitive_ok(type_name: str, value: Any) -> bool:
    """Check a scalar against Integer/Float/String/Boolean/True/InputFile."""
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "True":
        return value is True
    return isinstance(value, Upload) or (isinstance(value, str) and value.startswith("attach://"))


def _has_required(definition: Definition, value: dict[str, Any]) -> bool:
    """Whether `value` carries every required field of `definition` (to pick a union member)."""
    return all(f.name in value for f in definition.fields.values() if f.required)


def _attach_refs(value: Any) -> set[str]:
    """Collect the names referenced as attach://name anywhere in the params."""
    if isinstance(value, str):
        return {value[len("attach://") :]} if value.startswith("attach://") else set()
    if isinstance(value, dict):
        return set().union(*(_attach_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_attach_refs(v) for v in value)) if value else set()
    return set()


def _resolve_attachments(value: Any, attachments: dict[str, Upload]) -> Any:
    """Replace "attach://name" strings by the uploaded file they name."""
    if isinstance(value, str) and value.startswith("attach://"):
        return attachments.get(value[len("attach://") :], value)
    if isinstance(value, dict):
        return {k: _resolve_attachments(v, attachments) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_attachments(v, attachments) for v in value]
    return value
