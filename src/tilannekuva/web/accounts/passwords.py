"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's second recommendation).

``verify`` takes the same time whether or not the user exists: for an unknown user the caller
verifies against :data:`DUMMY_HASH`, so response times do not tell which usernames exist.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12  # NCSC-FI / NIST SP 800-63B: length over composition rules

_hasher = PasswordHasher()
DUMMY_HASH = _hasher.hash("not-a-password-anyone-has")


class WeakPassword(ValueError):
    """The password is too short to be accepted."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; a corrupt hash is a mismatch, never an exception."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(password_hash)
