"""The operational store on both databases it runs on: SQLite and a real PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (user ``postgres``, trust authentication). One
database with a unique name is created per test session and dropped afterwards; each test
gets its own schema in it, so every test migrates an empty store as on a new installation.
The PostgreSQL cases are skipped, saying why, only when the server cannot be reached.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.postgres import temporary_database
from tests.web.accounts.hashing import cheap_hashing
from tilannekuva.web.accounts import AccountStore

BACKENDS = ("sqlite", "postgresql")
__all__ = ["cheap_hashing"]  # a fixture for the tests here


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """The name of a fresh PostgreSQL database, dropped at the end of the session."""
    with temporary_database("tilannekuva_test") as name:
        yield name


def postgres_schema_url(database: str) -> str:
    """A URL whose connections use a new, empty schema of ``database``."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={database}") as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return (
        f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}?options=-csearch_path%3D{schema}"
    )


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty operational store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'operational.sqlite'}"
    return postgres_schema_url(request.getfixturevalue("postgres_database"))


@pytest.fixture
def store(store_url: str) -> Iterator[AccountStore]:
    opened = AccountStore.open(store_url)
    yield opened
    opened.close()
