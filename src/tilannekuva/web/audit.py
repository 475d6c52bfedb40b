"""The audit trail of record-id views: who saw which patient-record ids, when, and where.

Pages that show record ids of data-quality findings call :func:`record_view` *before* they
return the page. The entry is committed synchronously; when it cannot be written the call
raises and the page fails (500) instead of showing ids that nobody could later account for.
The trail is read with ``tilannekuva users audit``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request

from tilannekuva.web.accounts import AccountStore, AuditEntry


class AuditUnavailable(RuntimeError):
    """The audit trail cannot be written, so the record ids must not be shown."""


def accounts_store(request: Request) -> AccountStore:
    """The store ``signin.install`` opened for this app."""
    store = getattr(request.app.state, "accounts", None)
    if not isinstance(store, AccountStore):
        raise AuditUnavailable("the operational store is not open")
    return store


def record_view(request: Request, *, action: str, subject: str, detail: str) -> AuditEntry:
    """One audited view; see :func:`record_views`."""
    return record_views(request, action=action, subject=subject, details=[detail])[0]


def record_views(
    request: Request, *, action: str, subject: str, details: list[str]
) -> list[AuditEntry]:
    """Write who (the signed-in viewer), when (now, UTC), ``action`` (e.g.
    ``view_quality_ids``), ``subject`` (e.g. a unit id) and each ``detail`` (e.g. the ids
    shown of one check), as one entry per detail in one transaction.

    Raises :class:`AuditUnavailable` for a visitor who is not signed in (record ids are never
    shown to the public), and lets a database error through: either way no ids are shown.
    """
    viewer = request.state.viewer
    if not viewer.signed_in or not viewer.username:
        raise AuditUnavailable("record ids are shown to signed-in users only")
    at = datetime.now(UTC)
    entries = [
        AuditEntry(at, viewer.username, viewer.role, action, subject, detail) for detail in details
    ]
    return accounts_store(request).record_audits(entries)
