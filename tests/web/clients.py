"""Test clients over an app: a public visitor, or signed in as an analyst or unit manager."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.sessions import SESSION_COOKIE, session_cookie
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import SnapshotStore
from tilannekuva.web.viewer import UserRole

SECRET = "test-secret-key-not-for-production"
ClientFactory = Callable[[UserRole | None], TestClient]


def config_for(warehouse: Path, folder: Path) -> WebConfig:
    """An app configuration over ``warehouse`` with its own SQLite store in ``folder``."""
    return WebConfig(
        warehouse=warehouse,
        database_url=f"sqlite:///{folder / 'operational.sqlite'}",
        secret_key=SECRET,
    )


@contextmanager
def client_factory(
    config: WebConfig, snapshots: SnapshotStore, *, language: str | None = None
) -> Iterator[ClientFactory]:
    """``make(None)`` is a public visitor, ``make("analyst")`` a signed-in analyst; every
    client gets its own app over the shared snapshots and is closed at the end."""
    headers = {"Accept-Language": language} if language else {}
    opened: list[TestClient] = []

    def make(role: UserRole | None) -> TestClient:
        test_client = TestClient(create_app(config, snapshots=snapshots), headers=headers)
        test_client.__enter__()
        if role is not None:
            test_client.cookies.set(SESSION_COOKIE, session_cookie(SECRET, f"test-{role}", role))
        opened.append(test_client)
        return test_client

    try:
        yield make
    finally:
        for test_client in opened:
            test_client.__exit__(None, None, None)
