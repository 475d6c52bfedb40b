"""Unguessable one-time tokens for web links and staff pulse links.

A token is 144 random bits (``secrets.token_urlsafe(18)``: 24 URL-safe characters, short
enough for an SMS). The store keeps only its SHA-256, so a copy of the database cannot be
turned back into working links. Hashing without a salt is fine here: the token itself is
random, so there is nothing to guess from a dictionary.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 18


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_id(prefix: str) -> str:
    """A random id that cannot collide with the ids of loaded extracts (``tk-`` prefix)."""
    return f"tk-{prefix}-{secrets.token_hex(10)}"
