"""Alembic environment of the accounts store, run in code by :func:`..migrate.upgrade`.

The connection comes from ``config.attributes["connection"]`` (no alembic.ini, no URL in a
file), and the history is kept in ``alembic_version_web`` so another store in the same
database (the feedback store) can keep its own Alembic history beside this one.
"""

from __future__ import annotations

from tilannekuva.warehouse.operational import run_migrations_here
from tilannekuva.web.accounts.models import Base

VERSION_TABLE = "alembic_version_web"

run_migrations_here(Base.metadata, VERSION_TABLE, "tilannekuva.web.accounts.migrate")
