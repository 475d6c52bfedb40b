"""A temporary PostgreSQL database on the machine's server, for tests of the real thing.

PostgreSQL is the server on 127.0.0.1:5432 (user ``postgres``, trust authentication). Each
caller gets a database with a unique name, dropped afterwards (connections and all), so
tests never see each other's rows; when the server cannot be reached the test is skipped,
saying why.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

POSTGRES_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


@contextmanager
def temporary_database(prefix: str) -> Iterator[str]:
    """The name of a fresh database ``<prefix>_<random>``, dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_DSN, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {error}".splitlines()[0])
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
