"""Secrets at rest: encrypt with the first of LEADLINE_ENCRYPTION_KEYS, decrypt with any."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.ENCRYPTION_KEYS])


def encrypt(plain: str) -> str:
    """Return ``plain`` encrypted (empty stays empty)."""
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    """Return the plain text of ``token``; a key that no longer matches raises a clear error."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError(
            "A stored credential cannot be decrypted with LEADLINE_ENCRYPTION_KEYS: "
            "was the key changed? Add the old key after the new one, or enter the credential again."
        ) from None
