"""What the operational stores (accounts, feedback) share: the engine, UTC times, migrations.

The operational data (users, the audit trail, feedback answers, the SMS outbox) lives in one
SQL database reached through SQLAlchemy: an SQLite file on one machine, PostgreSQL in
production. Each store keeps its own Alembic history in its own version table, so both can
share one database, and applies pending migrations when it opens.
"""

from __future__ import annotations

import fcntl
import select
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

SERVER_POOL_SIZE = 16  # per process; two web workers stay well under PostgreSQL's 100


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and read back with ``tzinfo=UTC`` on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC time")
        utc = value.astimezone(UTC)
        # SQLite stores the text as given; without the zone every row sorts the same way.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def operational_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``; an SQLite file's folder is made first, as the warehouse's is.

    A connection the database dropped (a PostgreSQL restart) is replaced with a new one before
    it is used, instead of failing the next request: on PostgreSQL by
    :func:`_ping_if_disturbed`, on SQLite by ``pool_pre_ping``. ``hide_parameters`` keeps
    statement values (a phone number waiting in the outbox) out of error messages and logs.
    """
    options.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_pre_ping=True, **options)
        event.listen(engine, "connect", _sqlite_write_ahead_log)
        return engine
    # A fixed pool: connections beyond it would be opened and closed again with every burst,
    # and each new PostgreSQL connection costs the server a process (measured: 600 opened in
    # 20 s under load, and a third of the throughput). Requests beyond the pool wait for one.
    options.setdefault("pool_size", SERVER_POOL_SIZE)
    options.setdefault("max_overflow", 0)
    engine = create_engine(url, **options)
    event.listen(engine, "checkout", _ping_if_disturbed)
    return engine


def _ping_if_disturbed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Ping a PostgreSQL connection at checkout only when its socket has something to read.

    A healthy idle connection has nothing to read: the server speaks only when asked. A
    connection the server dropped (a restart, ``pg_terminate_backend``) has its goodbye or the
    end of the stream waiting. ``pool_pre_ping`` would instead ask the server on every
    checkout: a round trip per request (one of ten per SMS reply). A failed ping is a
    disconnection, as it is for ``pool_pre_ping``: this connection and every older one in
    the pool are replaced before use.
    """
    if dbapi_connection.closed:
        raise InvalidatePoolError("connection closed")
    waiting = select.poll()  # not select.select: a busy server's descriptors pass 1 024
    waiting.register(dbapi_connection.fileno(), select.POLLIN)
    if not waiting.poll(0):
        return
    try:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute(";")
        dbapi_connection.autocommit = autocommit
    except Exception as error:  # whatever the failure, the connection cannot be trusted
        raise InvalidatePoolError(f"connection dropped by the server: {error}") from error


def _sqlite_write_ahead_log(connection: Any, _record: Any) -> None:
    """SQLite in WAL mode: readers never block the writer, and a commit is one append and one
    flush instead of a rollback journal's several (``synchronous`` stays FULL: a row that was
    reported written survives a power cut)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def upgrade_schema(engine: Engine, migrations_dir: Path, *, advisory_lock_id: int) -> None:
    """Apply every migration in ``migrations_dir`` not yet applied (no alembic.ini to ship).

    Several web workers starting at once must migrate one after the other instead of racing
    to create the same tables: on PostgreSQL the upgrade holds a transaction-level advisory
    lock, on an SQLite file an exclusive lock on ``<file>.migrate.lock`` beside it.
    """
    config = Config()
    config.set_main_option("script_location", migrations_dir.as_posix())
    with _sqlite_migration_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": advisory_lock_id})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """Hold an exclusive file lock while an SQLite file is migrated (nothing elsewhere)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_migrations_here(metadata: MetaData, version_table: str, upgrader: str) -> None:
    """The body of a store's Alembic ``env.py``: migrate the connection :func:`upgrade_schema`
    passed in, keeping the history in ``version_table`` (one per store, so several stores can
    share a database). SQLite gets batch mode, since it cannot ALTER much."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(f"these migrations run from {upgrader}")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=version_table,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class OperationalStore:
    """An open operational database (the feedback store, the board store): its engine,
    sessions, the SQLite write lock and the clock; each store adds its operations."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others sleep and retry; queueing
        # the process's own writers on a lock avoids those sleeps. PostgreSQL needs none.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def now(self) -> datetime:
        """The store's clock (aware UTC); tests replace it to move time."""
        return self.clock()

    def _writing(self) -> AbstractContextManager[object]:
        return self._write_lock

    def _session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
