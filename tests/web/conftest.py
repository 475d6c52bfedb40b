"""Fixtures of the web tests: apps over the small synthetic county of ``tests/county.py``.

One :class:`SnapshotStore` over the county is shared, so each test pays only for its
requests. Every app gets its own SQLite operational store in a temporary folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.clients import client_factory, config_for
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import Snapshot, SnapshotStore
from tilannekuva.web.viewer import UserRole


@pytest.fixture(scope="session")
def county_snapshots(county_warehouse: Path) -> SnapshotStore:
    store = SnapshotStore(county_warehouse, check_seconds=3600)
    store.refresh_now()
    return store


@pytest.fixture
def county_snapshot(county_snapshots: SnapshotStore) -> Snapshot:
    return county_snapshots.current()


@pytest.fixture
def web_config(county_warehouse: Path, tmp_path: Path) -> WebConfig:
    return config_for(county_warehouse, tmp_path)


@pytest.fixture
def page_language() -> str | None:
    """The browser's language for ``client`` and ``client_as``; None: the app's default
    (Finnish). A test module that asserts English texts overrides this fixture with "en"."""
    return None


@pytest.fixture
def client(
    web_config: WebConfig, county_snapshots: SnapshotStore, page_language: str | None
) -> Iterator[TestClient]:
    """A public visitor (no sign-in)."""
    with client_factory(web_config, county_snapshots, language=page_language) as make:
        yield make(None)


@pytest.fixture
def client_as(
    web_config: WebConfig, county_snapshots: SnapshotStore, page_language: str | None
) -> Iterator[Callable[[UserRole], TestClient]]:
    """``client_as("analyst")`` or ``client_as("manager")``: a signed-in visitor."""
    with client_factory(web_config, county_snapshots, language=page_language) as make:
        yield make
