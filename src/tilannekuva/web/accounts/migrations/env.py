"""Alembic environment of the accounts store, run in code by :func:`..migrate.upgrade`.

The connection comes from ``config.attributes["connection"]`` (no alembic.ini, no URL in a
file), and the history is kept in ``alembic_version_web`` so another store in the same
database (the feedback store) can keep its own Alembic history beside this one.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tilannekuva.web.accounts.models import Base

VERSION_TABLE = "alembic_version_web"


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
    raise RuntimeError("the accounts migrations run from tilannekuva.web.accounts.migrate")
run_migrations(connection)
