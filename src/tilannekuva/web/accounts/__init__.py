"""The operational store of the web app: local users, failed sign-ins and the audit trail.

``models`` are the tables, ``migrations/`` the Alembic history that creates them (applied by
``migrate`` when the store opens), ``passwords`` the Argon2 hashing and ``store`` the
operations the sign-in page, the audit trail and ``tilannekuva users`` use.
"""

from tilannekuva.web.accounts.passwords import MIN_PASSWORD_LENGTH, WeakPassword
from tilannekuva.web.accounts.store import (
    AccountStore,
    AuditEntry,
    InvalidUser,
    SignInRefused,
    UnknownUser,
    User,
    UserExists,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountStore",
    "AuditEntry",
    "InvalidUser",
    "SignInRefused",
    "UnknownUser",
    "User",
    "UserExists",
    "WeakPassword",
]
