"""The key ring: AES-GCM envelopes bound to their row, old keys and the Fernet format still open."""

from __future__ import annotations

import pytest

from bot.infra.crypto import ENVELOPE_VERSION, CryptoError, Keys, new_data_key

OLD, NEW = new_data_key(), new_data_key()


def test_an_envelope_names_its_key_and_opens_only_with_its_row() -> None:
    keys = Keys(NEW)
    token = keys.seal(b"Majikan menahan paspor", b"tickets:TPPO-AAAAAA")
    assert token[0] == ENVELOPE_VERSION and token[1:5].hex() == keys.key_id
    assert b"paspor" not in token
    assert keys.open(token, b"tickets:TPPO-AAAAAA") == b"Majikan menahan paspor"
    with pytest.raises(CryptoError):
        keys.open(token, b"tickets:TPPO-BBBBBB")  # copied into another row: refused
    tampered = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(CryptoError):
        keys.open(tampered, b"tickets:TPPO-AAAAAA")
    assert keys.seal(b"x") != keys.seal(b"x")  # a fresh nonce every time


def test_old_keys_and_the_fernet_format_open_until_rotation_is_done() -> None:
    before = Keys(OLD)
    sealed, legacy = before.seal(b"cerita", b"ctx"), before.legacy_seal(b"cerita lama")
    during = Keys(NEW, [OLD])
    assert during.open(sealed, b"ctx") == b"cerita"
    assert during.open(legacy) == b"cerita lama"
    assert not during.is_current(sealed) and not during.is_current(legacy)
    assert during.is_current(during.seal(b"baru"))
    after = Keys(NEW)
    with pytest.raises(CryptoError, match="not in DATA_KEY"):
        after.open(sealed, b"ctx")
    with pytest.raises(CryptoError):
        after.open(legacy)


def test_pseudonyms_stay_with_the_oldest_key_while_it_is_in_the_ring() -> None:
    assert Keys(NEW, [OLD]).identity_key(42) == Keys(OLD).identity_key(42)
    assert Keys(NEW).identity_key(42) != Keys(OLD).identity_key(42)
