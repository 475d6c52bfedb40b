"""Bring the accounts schema up to date when the store opens, with no alembic.ini to ship.

The migration scripts live inside the package (``migrations/``), so an installed wheel can
migrate its own database.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tilannekuva.warehouse.operational import upgrade_schema

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to differ from other advisory locks in the same database.
ADVISORY_LOCK_ID = 0x7417_A11C


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied; opening an up-to-date store changes nothing."""
    upgrade_schema(engine, MIGRATIONS_DIR, advisory_lock_id=ADVISORY_LOCK_ID)
