"""Personal data at rest (PIPL): encrypted fields, keyed blind indexes for exact lookups, and masking.

- Encryption: MultiFernet over settings.FIELD_ENCRYPTION_KEYS (newest first; older keys only decrypt, so keys can
  be rotated by re-saving rows).
- Blind index: HMAC-SHA256 with settings.BLIND_INDEX_KEY over the normalised value and a per-field label, so the
  same number gives the same index (uniqueness, exact search) but nobody without the key can test a guess.
  Never an unkeyed hash: the space of ID numbers is small enough to enumerate.
- Masking: what every list, page, export, log line and audit row shows.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from registry.identifiers import normalise_id_number


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    return fernet().decrypt(token.encode("ascii")).decode()


def encrypt_bytes(value: bytes) -> bytes:
    return fernet().encrypt(value)


def decrypt_bytes(token: bytes) -> bytes:
    return fernet().decrypt(bytes(token))


def blind_index(value: str, *, label: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a normalised value; `label` keeps indexes of different fields apart."""
    message = f"{label}:{value}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()


def id_number_index(number: str) -> str:
    return blind_index(normalise_id_number(number), label="id_number")


def normalise_bank_account(value: str) -> str:
    return "".join(ch for ch in str(value) if ch.isalnum()).upper()


def bank_account_index(value: str) -> str:
    return blind_index(normalise_bank_account(value), label="bank_account")


def mask_id_number(number: str) -> str:
    """654201198503150018 -> 654201********0018: area code and last four only."""
    number = normalise_id_number(number)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_bank_account(value: str) -> str:
    """6228480012345678901 -> ************8901: the last four only."""
    account = normalise_bank_account(value)
    if len(account) <= 4:
        return "*" * len(account)
    return "*" * (len(account) - 4) + account[-4:]


def mask_phone(value: str) -> str:
    """13912345678 -> 139****5678."""
    phone = str(value).strip()
    if len(phone) < 8:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the plain text.

    It cannot be searched or made unique in the database (each token is different): pair it with a blind-index
    column. Decrypting with a retired key still works as long as the key stays in FIELD_ENCRYPTION_KEYS.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return decrypt_text(value)
        except InvalidToken:
            # A key was removed before the rows were re-encrypted: say so, never show the token.
            raise ValueError(f"{self.model.__name__}.{self.name}: no key in FIELD_ENCRYPTION_KEYS opens it") from None

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))

    def get_lookup(self, lookup_name: str):  # type: ignore[no-untyped-def]
        # Equality on a ciphertext is always false; make the mistake loud (use the blind index).
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)
