"""Alembic environment of the feedback store, run in code by :func:`..migrate.upgrade`.

The history is kept in ``alembic_version_feedback`` so the accounts store can share the same
database with its own history (``alembic_version_web``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tilannekuva.feedback.store.models import Base

VERSION_TABLE = "alembic_version_feedback"


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("the feedback migrations run from tilannekuva.feedback.store.migrate")
run_migrations(connection)
