"""Bring the board schema up to date when the store opens (scripts ship in the package)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tilannekuva.warehouse.operational import upgrade_schema

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Differs from the accounts' and the feedback store's locks, so the stores never wait for
# each other.
ADVISORY_LOCK_ID = 0x7417_B0A2


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied; opening an up-to-date store changes nothing."""
    upgrade_schema(engine, MIGRATIONS_DIR, advisory_lock_id=ADVISORY_LOCK_ID)
