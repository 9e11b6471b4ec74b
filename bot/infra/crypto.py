"""Keys derived from DATA_KEY: an HMAC for looking up drafts, AES-GCM for data kept at rest.

A sealed value is an envelope `version (1 byte) | key id (4 bytes) | nonce (12) | ciphertext`,
authenticated together with `context` (the table and a stable row key, see docs/privacy.md), so
that a value copied into another row does not open. The key ring is the current `DATA_KEY` plus
the previous keys in `DATA_KEYS_OLD`: values sealed under an old key (or by the Fernet format of
earlier versions) still open, and `lapor-tppo rotate-key` seals them again under the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import BotError

ENVELOPE_VERSION = 1
_HEADER = 1 + 4 + 12  # version, key id, nonce


class CryptoError(BotError):
    """Encrypted data could not be read (wrong DATA_KEY or tampering)."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    # Separate keys per purpose so that one leaking use cannot be turned against another.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class _RingKey:
    """One DATA_KEY's AES-GCM key, its short id, and its legacy Fernet key."""

    def __init__(self, data_key: str) -> None:
        self.master = base64.urlsafe_b64decode(data_key.encode("ascii"))
        aes = _derive(self.master, b"lapor-tppo/aes-gcm/v1")
        self.aead = AESGCM(aes)
        # The id names the key without revealing anything about it (a hash of a derived key).
        self.key_id = hashlib.sha256(b"lapor-tppo/key-id/" + aes).digest()[:4]
        fernet_key = _derive(self.master, b"lapor-tppo/fernet/v1")
        self.fernet = Fernet(base64.urlsafe_b64encode(fernet_key))


class Keys:
    """The key ring: purpose-bound keys derived once from DATA_KEY and DATA_KEYS_OLD."""

    def __init__(self, data_key: str, old_keys: Sequence[str] = ()) -> None:
        ring = [_RingKey(data_key)] + [_RingKey(k) for k in old_keys if k and k != data_key]
        self._current = ring[0]
        self._by_id = {k.key_id: k for k in reversed(ring)}
        # Pseudonyms must not change when the encryption key does (drafts are found by them),
        # so the identity HMAC comes from the oldest key in the ring: see docs/privacy.md.
        self._hmac_key = _derive(ring[-1].master, b"lapor-tppo/identity-hmac/v1")
        self._ring = ring

    @property
    def key_id(self) -> str:
        """The current key's short id, hex (printed by `rotate-key`, never secret)."""
        return self._current.key_id.hex()

    def identity_key(self, telegram_id: int) -> str:
        """A stable pseudonym for a Telegram user or chat id: HMAC-SHA256, hex."""
        return hmac.new(self._hmac_key, str(telegram_id).encode(), hashlib.sha256).hexdigest()

    def seal(self, data: bytes, context: bytes = b"") -> bytes:
        """Encrypt and authenticate `data` under the current key, bound to `context`."""
        nonce = secrets.token_bytes(12)
        body = self._current.aead.encrypt(nonce, data, context)
        return bytes([ENVELOPE_VERSION]) + self._current.key_id + nonce + body

    def open(self, token: bytes, context: bytes = b"") -> bytes:
        """Decrypt what `seal` (or the older Fernet format) produced; `CryptoError` otherwise."""
        if token[:1] == bytes([ENVELOPE_VERSION]) and len(token) > _HEADER:
            key = self._by_id.get(token[1:5])
            if key is None:
                raise CryptoError("sealed under a key that is not in DATA_KEY or DATA_KEYS_OLD")
            try:
                return key.aead.decrypt(token[5:_HEADER], token[_HEADER:], context)
            except InvalidTag as exc:
                raise CryptoError("sealed data does not open (tampered, or another row's)") from exc
        for key in self._ring:  # Fernet tokens from before AES-GCM: ASCII, starting with "gAAAAA"
            try:
                return key.fernet.decrypt(token)
            except InvalidToken:
                continue
        raise CryptoError("sealed data cannot be opened with this DATA_KEY")

    def is_current(self, token: bytes) -> bool:
        """True when `token` is an envelope under the current key (nothing for rotation to do)."""
        return token[:1] == bytes([ENVELOPE_VERSION]) and token[1:5] == self._current.key_id

    def legacy_seal(self, data: bytes) -> bytes:
        """The Fernet format of earlier versions (only to test that such values still open)."""
        return self._current.fernet.encrypt(data)


def new_data_key() -> str:
    """A fresh DATA_KEY: 32 random bytes, url-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def new_webhook_secret() -> str:
    """A fresh Telegram webhook secret token (A-Z a-z 0-9 _ -)."""
    return secrets.token_urlsafe(48)


def new_standard_webhook_secret() -> str:
    """A fresh Standard Webhooks secret, `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
