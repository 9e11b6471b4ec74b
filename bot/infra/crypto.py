"""Keys derived from DATA_KEY: an HMAC for looking up drafts, Fernet for data kept at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import BotError


class CryptoError(BotError):
    """Encrypted data could not be read (wrong DATA_KEY or tampering)."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    # Separate keys per purpose so that one leaking use cannot be turned against another.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class Keys:
    """Purpose-bound keys derived once from DATA_KEY."""

    def __init__(self, data_key: str) -> None:
        master = base64.urlsafe_b64decode(data_key.encode("ascii"))
        self._hmac_key = _derive(master, b"lapor-tppo/identity-hmac/v1")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"lapor-tppo/fernet/v1")))

    def identity_key(self, telegram_id: int) -> str:
        """A stable pseudonym for a Telegram user or chat id: HMAC-SHA256, hex."""
        return hmac.new(self._hmac_key, str(telegram_id).encode(), hashlib.sha256).hexdigest()

    def seal(self, data: bytes) -> bytes:
        """Encrypt and authenticate `data`."""
        return self._fernet.encrypt(data)

    def open(self, token: bytes) -> bytes:
        """Decrypt what `seal` produced; raises `CryptoError` when it cannot."""
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise CryptoError("sealed data cannot be opened with this DATA_KEY") from exc


def new_data_key() -> str:
    """A fresh DATA_KEY: 32 random bytes, url-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def new_webhook_secret() -> str:
    """A fresh Telegram webhook secret token (A-Z a-z 0-9 _ -)."""
    return secrets.token_urlsafe(48)


def new_standard_webhook_secret() -> str:
    """A fresh Standard Webhooks secret, `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
