"""Bring the accounts schema up to date when the store opens, with no alembic.ini to ship.

The migration scripts live inside the package (``migrations/``), so an installed wheel can
migrate its own database. On PostgreSQL the upgrade holds a transaction-level advisory lock:
several web workers starting at once then migrate one after the other instead of racing to
create the same tables.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HEAD = "head"
# Any constant works; it only has to differ from other advisory locks in the same database.
ADVISORY_LOCK_ID = 0x7417_A11C


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR.as_posix())
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied; opening an up-to-date store changes nothing."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, HEAD)
