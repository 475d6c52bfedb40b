"""Errors and rejection reasons of a load.

Two kinds of trouble: the extract as a whole cannot be read (``ExtractUnreadable``: the CLI
prints its one-line reason and exits 2), or single rows are wrong (they go to quarantine with
file, line, column and reason, and the load goes on).
"""

from __future__ import annotations

from enum import StrEnum


class ExtractUnreadable(Exception):
    """The extract cannot be read at all; ``str(error)`` is a one-line reason."""


class ReasonCode(StrEnum):
    """Why a row was quarantined (the ``reason_code`` column of ``quarantine``)."""

    REQUIRED = "required"
    INVALID = "invalid"
    IDENTITY_CODE = "identity_code"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_CODE = "unknown_code"
    FOREIGN_KEY = "foreign_key"
    REJECTED_PARENT = "rejected_parent"
    MALFORMED_ROW = "malformed_row"
