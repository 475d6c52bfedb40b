"""``/api/v1/units``, ``/api/v1/loads`` and ``/api/v1/quality``, for the public and analysts.

The public must never get a record id or a quarantine reason (product brief: privacy by
design); a signed-in analyst gets the quality report exactly as ``tilannekuva quality --json``
writes it, and what the current load rejected. A small hand-made extract with rejected rows
covers the quarantine, which the synthetic county does not have.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.extract_files import MINIMAL, write_extract
from tests.web.clients import SECRET
from tests.web.sessions import SESSION_COOKIE, session_cookie
from tilannekuva.indicators.catalogue import INDICATORS
from tilannekuva.ingest import load_extract
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import Snapshot, SnapshotStore
from tilannekuva.web.viewer import UserRole

ClientAs = Callable[[str], TestClient]

REJECTED_CONTACTS = MINIMAL["contacts"] + (
    "c2,p1,u1,not-a-time,R10,doctor,nonurgent,,,,\n"  # line 3: invalid start_at
    "c3,p9,u1,2025-03-04T10:00:00,R10,doctor,nonurgent,,,,\n"  # line 4: unknown person
)


def app_over(warehouse: Path, folder: Path, role: UserRole | None = None) -> TestClient:
    config = WebConfig(
        warehouse=warehouse,
        database_url=f"sqlite:///{folder / 'operational.sqlite'}",
        secret_key=SECRET,
    )
    store = SnapshotStore(warehouse, check_seconds=3600)
    client = TestClient(create_app(config, snapshots=store))
    if role is not None:
        client.cookies.set(SESSION_COOKIE, session_cookie(SECRET, f"test-{role}", role))
    return client


@pytest.fixture
def rejecting_load(tmp_path: Path) -> Iterator[Callable[[UserRole | None], TestClient]]:
    """Clients over a tiny load that quarantined two contacts and lacks optional files."""
    extract = write_extract(tmp_path / "extract", {**MINIMAL, "contacts": REJECTED_CONTACTS})
    warehouse = tmp_path / "warehouse.duckdb"
    load_extract(extract, warehouse, pseudonym_key="web-tests")
    opened: list[TestClient] = []

    def make(role: UserRole | None) -> TestClient:
        client = app_over(warehouse, tmp_path, role)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def test_units_have_names_municipality_names_and_parents(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    body = client.get("/api/v1/units").json()
    assert [unit["unit_id"] for unit in body] == [u.unit_id for u in county_snapshot.units]
    kajaani = next(unit for unit in body if unit["municipality_code"] == "205")
    assert (kajaani["municipality_name_fi"], kajaani["municipality_name_sv"]) == (
        "Kajaani",
        "Kajana",
    )
    assert set(kajaani) == {
        "unit_id",
        "name",
        "municipality_code",
        "municipality_name_fi",
        "municipality_name_sv",
        "service_area",
        "parent_id",
    }
    ids = {unit["unit_id"] for unit in body}
    assert any(unit["parent_id"] in ids for unit in body)


def test_loads_list_history_with_counts_for_everyone(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    body = client.get("/api/v1/loads").json()
    assert body["role"] == "public"
    assert body["quarantine"] is None
    [load] = body["loads"]
    current = county_snapshot.load
    assert current is not None
    assert load["load_id"] == current.load_id
    assert load["is_current"] is True
    assert load["rows_loaded"] == current.rows_loaded > 0


def test_analyst_gets_the_quarantine_per_file_and_reason(
    rejecting_load: Callable[[UserRole | None], TestClient],
) -> None:
    body = rejecting_load("analyst").get("/api/v1/loads").json()
    assert body["role"] == "analyst"
    assert body["loads"][0]["rows_quarantined"] == 2
    summary = {(q["file"], q["reason_code"]): q["rows"] for q in body["quarantine"]}
    assert summary == {("contacts.csv", "invalid"): 1, ("contacts.csv", "foreign_key"): 1}
    assert all(q["example_reason"] for q in body["quarantine"])


@pytest.mark.parametrize("role", [None, "manager"])
def test_public_and_managers_get_no_quarantine_reasons(
    rejecting_load: Callable[[UserRole | None], TestClient], role: UserRole | None
) -> None:
    response = rejecting_load(role).get("/api/v1/loads")
    body = response.json()
    assert body["quarantine"] is None
    assert body["loads"][0]["rows_quarantined"] == 2  # counts only
    assert "not-a-time" not in response.text and "foreign_key" not in response.text


def test_analyst_quality_report_is_the_cli_json(
    client_as: ClientAs, county_snapshot: Snapshot
) -> None:
    report = county_snapshot.quality
    assert report is not None
    body = client_as("analyst").get("/api/v1/quality").json()
    # tilannekuva quality --json writes json.dumps(report.to_dict()).
    assert body == json.loads(json.dumps(report.to_dict()))
    assert any(unit["examples"] for check in body["checks"] for unit in check["units"])


def every_example(report: dict[str, Any]) -> set[str]:
    return {ex for check in report["checks"] for unit in check["units"] for ex in unit["examples"]}


def counts_in(report: dict[str, Any]) -> list[int | None]:
    found: list[int | None] = list(report["totals"].values())
    for check in report["checks"]:
        found.append(check["total"])
        found.extend(check["by_detail"].values())
        found.extend(cell["count"] for cell in check["by_unit_month"])
        found.extend(unit["count"] for unit in check["units"])
    return found


def test_public_quality_report_has_counts_only(client: TestClient, client_as: ClientAs) -> None:
    full = client_as("analyst").get("/api/v1/quality").json()
    response = client.get("/api/v1/quality")
    public = response.json()
    examples = every_example(full)
    assert examples, "the county has findings with examples, or this test proves nothing"
    leaked = [example for example in examples if example in response.text]
    assert not leaked
    assert every_example(public) == set()
    assert public["example_limit"] == 0
    # Small cells are blanked as for indicator rows; zero and 5+ are shown as they are.
    assert all(count is None or count == 0 or count >= 5 for count in counts_in(public))
    assert None in counts_in(public)
    assert public["totals"]["orphan_assessments"] == full["totals"]["orphan_assessments"] >= 5
    pairs = zip(counts_in(full), counts_in(public), strict=True)
    assert all(p == f for f, p in pairs if p is not None)


def test_public_quality_hides_rejected_lines(
    rejecting_load: Callable[[UserRole | None], TestClient],
) -> None:
    full = rejecting_load("analyst").get("/api/v1/quality").json()
    assert "contacts.csv:3" in every_example(full)
    roles: tuple[UserRole | None, ...] = (None, "manager")
    for role in roles:
        response = rejecting_load(role).get("/api/v1/quality")
        assert response.status_code == 200
        assert "contacts.csv:3" not in response.text
        assert "contacts.csv:4" not in response.text
    public = rejecting_load(None).get("/api/v1/quality").json()
    missing = {source["table"] for source in public["missing_sources"]}
    assert "feedback_responses" in missing
    assert "nps" in public["disabled_indicators"]


def test_indicators_a_load_cannot_compute_are_marked(
    rejecting_load: Callable[[UserRole | None], TestClient],
) -> None:
    body = rejecting_load(None).get("/api/v1/indicators").json()
    computable = {entry["id"]: entry["computable"] for entry in body}
    assert computable["nps"] is False  # feedback_responses.csv missing
    assert computable["contacts_total"] is True


def test_before_any_load_the_api_answers_empty_or_404(tmp_path: Path) -> None:
    with app_over(tmp_path / "never-loaded.duckdb", tmp_path) as client:
        quality = client.get("/api/v1/quality")
        assert quality.status_code == 404
        assert quality.json() == {"detail": "nothing has been loaded yet"}
        assert client.get("/api/v1/units").json() == []
        assert client.get("/api/v1/loads").json()["loads"] == []
        catalogue = client.get("/api/v1/indicators").json()
        assert len(catalogue) == len(INDICATORS)
        assert not any(entry["computable"] for entry in catalogue)
        values = client.get("/api/v1/indicators/nps/values").json()
        assert (values["load"], values["rows"]) == (None, [])
        csv_text = client.get("/api/v1/values.csv").text
        assert csv_text == (
            "indicator_id,period,unit_id,numerator,denominator,value,suppressed,provisional\n"
        )
