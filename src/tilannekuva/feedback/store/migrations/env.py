"""Alembic environment of the feedback store, run in code by :func:`..migrate.upgrade`.

The history is kept in ``alembic_version_feedback`` so the accounts store can share the same
database with its own history (``alembic_version_web``).
"""

from __future__ import annotations

from tilannekuva.feedback.store.models import Base
from tilannekuva.warehouse.operational import run_migrations_here

VERSION_TABLE = "alembic_version_feedback"

run_migrations_here(Base.metadata, VERSION_TABLE, "tilannekuva.feedback.store.migrate")
