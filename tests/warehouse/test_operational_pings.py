"""A pooled PostgreSQL connection is pinged at checkout only when the server dropped it.

A ping on every checkout (``pool_pre_ping``) is a round trip per request. The pool now pings
only a connection whose socket has something to read: a dropped one (the server's goodbye,
or the end of the stream). These tests use their own database on 127.0.0.1:5432.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text

from tests.postgres import POSTGRES_DSN, temporary_database
from tilannekuva.warehouse.operational import operational_engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    with temporary_database("tilannekuva_test_pings") as name:
        engine = operational_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        try:
            yield engine
        finally:
            engine.dispose()


def backend(engine: Engine) -> tuple[int, str]:
    """The pid of the pool's one server process for ``engine``'s database, and the last
    statement it ran (as the server saw it)."""
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid, query FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (engine.url.database,),
        ).fetchall()
    assert len(rows) == 1, rows
    return int(rows[0][0]), str(rows[0][1])


def test_a_healthy_connection_is_used_without_a_ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 41 + 1"))
    pid, last = backend(engine)  # the statement's transaction ended with a ROLLBACK
    for _ in range(3):
        with engine.connect() as connection:  # checked out and back: nothing sent
            pass
    assert backend(engine) == (pid, last)


def test_a_connection_the_server_dropped_is_replaced_before_use(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    pid, _ = backend(engine)
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,)).fetchone() == (True,)

    with engine.connect() as connection:  # no error: a new connection took its place
        assert connection.execute(text("SELECT 2")).scalar() == 2
    new_pid, _ = backend(engine)
    assert new_pid != pid
