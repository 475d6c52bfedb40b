"""The load history: one row per load with its anchor, Helsinki times, row counts, and the
current load's rejected rows per file, with the reasons' texts for analysts only."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.clients import client_factory, config_for
from tests.web.reloads import BAD_START_AT, SECOND_EXTRACT_ID, reloaded_snapshots
from tilannekuva.web.app import create_app
from tilannekuva.web.i18n import Formatter
from tilannekuva.web.pages.loads import local_time
from tilannekuva.web.snapshot import SnapshotStore
from tilannekuva.web.viewer import UserRole


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def load_row(page: str, load_id: str) -> list[str]:
    found = re.search(rf'<tr id="load-{re.escape(load_id)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row for load {load_id}"
    return [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)]


@pytest.fixture
def store(county_extract: Path, tmp_path_factory: pytest.TempPathFactory) -> SnapshotStore:
    return reloaded_snapshots(county_extract, tmp_path_factory)


@pytest.fixture
def history_client(
    store: SnapshotStore, tmp_path: Path
) -> Iterator[Callable[[UserRole | None], TestClient]]:
    """Clients over a warehouse with two loads; the second rejected three contact rows."""
    with client_factory(config_for(store.warehouse, tmp_path), store) as make:
        yield make


def test_every_load_has_a_row_with_its_anchor(
    history_client: Callable[[UserRole | None], TestClient], store: SnapshotStore
) -> None:
    page = history_client(None).get("/loads?lang=en").text
    loads = store.current().loads
    assert len(loads) == 2
    anchors = re.findall(r'<tr id="load-([^"]+)"', page)
    assert anchors == [load.load_id for load in loads]  # newest first
    (footer_target,) = re.findall(r'href="/loads#load-([^"]+)"', page)
    assert footer_target == anchors[0]


def test_the_current_load_row_shows_its_extract_cutoff_and_counts(
    history_client: Callable[[UserRole | None], TestClient], store: SnapshotStore
) -> None:
    page = history_client(None).get("/loads?lang=en").text
    current, earlier = store.current().loads
    row = load_row(page, current.load_id)
    assert row[2].startswith(SECOND_EXTRACT_ID)
    assert "2026" in row[3] and "06:00" in row[3]  # cutoff 2026-01-05 06:00 Helsinki
    assert row[4].replace(",", "") == str(current.rows_loaded)
    assert row[5:] == ["3", "0", "current load"]
    assert load_row(page, earlier.load_id)[5:] == ["0", "0", "earlier load"]


def test_load_times_are_helsinki_wall_clock() -> None:
    assert local_time(datetime(2025, 7, 1, 12, 0)) == datetime(2025, 7, 1, 15, 0)  # EEST
    assert local_time(datetime(2025, 1, 1, 12, 0)) == datetime(2025, 1, 1, 14, 0)  # EET
    assert local_time(None) is None


def test_the_page_shows_the_loaded_time_in_helsinki(
    history_client: Callable[[UserRole | None], TestClient], store: SnapshotStore
) -> None:
    current = store.current().loads[0]
    assert current.loaded_at is not None
    row = load_row(history_client(None).get("/loads").text, current.load_id)
    assert row[1] == Formatter("fi").datetime(local_time(current.loaded_at))
    assert row[1] != Formatter("fi").datetime(current.loaded_at)


def test_rejected_rows_per_file_with_reason_texts_for_analysts_only(
    history_client: Callable[[UserRole | None], TestClient], store: SnapshotStore
) -> None:
    public = history_client(None).get("/loads?lang=en").text
    assert "contacts.csv: 3 rows rejected" in text_of(public)
    for code in ("invalid", "foreign_key", "malformed_row"):
        assert f"(<code>{code}</code>)" in public
    assert BAD_START_AT not in public
    analyst = history_client("analyst").get("/loads?lang=en").text
    for reason in store.current().quarantine:
        assert reason.example_reason in text_of(analyst)
    assert BAD_START_AT in analyst


def test_a_clean_load_says_it_rejected_nothing(client: TestClient) -> None:
    assert "The load rejected no rows." in client.get("/loads?lang=en").text


def test_before_any_load_the_pages_say_so(tmp_path: Path) -> None:
    config = config_for(tmp_path / "not-loaded-yet.duckdb", tmp_path)
    with TestClient(create_app(config)) as client:
        for path in ("/loads", "/quality", "/units"):
            response = client.get(f"{path}?lang=en")
            assert response.status_code == 200
            assert '<p class="notice">No data has been loaded yet.</p>' in response.text
        assert client.get("/units/205-TA1-VO").status_code == 404
