"""Alembic environment of the board store, run in code by :func:`..migrate.upgrade`.

The history is kept in ``alembic_version_board`` so the accounts and feedback stores can
share the same database with their own histories.
"""

from __future__ import annotations

from tilannekuva.board.store.models import Base
from tilannekuva.warehouse.operational import run_migrations_here

VERSION_TABLE = "alembic_version_board"

run_migrations_here(Base.metadata, VERSION_TABLE, "tilannekuva.board.store.migrate")
