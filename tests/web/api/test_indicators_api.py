"""``/api/v1/indicators``: the catalogue, one definition, and one indicator's filtered rows.

The rows a filter returns are checked against the snapshot's own rows filtered here by hand,
so a filter that drops, adds or alters a row fails; role tests check that suppression follows
the signed-in role only, never a URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tilannekuva.indicators.catalogue import INDICATORS
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.web.snapshot import Snapshot

ClientAs = Callable[[str], TestClient]


def rows_of(body: dict[str, Any]) -> list[IndicatorRow]:
    return [IndicatorRow(**row) for row in body["rows"]]


def busiest_unit(snapshot: Snapshot, indicator_id: str) -> str:
    """The unit with the most rows of an indicator (so a unit filter has rows to keep)."""
    counts: dict[str, int] = {}
    for row in snapshot.rows(indicator_id, role="analyst"):
        if row.unit_id:
            counts[row.unit_id] = counts.get(row.unit_id, 0) + 1
    return max(counts, key=lambda unit: (counts[unit], unit))


def test_catalogue_lists_every_indicator_in_declared_order(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    response = client.get("/api/v1/indicators")
    assert response.status_code == 200
    body = response.json()
    assert [entry["id"] for entry in body] == [indicator.id for indicator in INDICATORS]
    computed = set(county_snapshot.indicator_ids())
    assert {entry["id"] for entry in body if entry["computable"]} == computed


def test_definition_carries_targets_deadlines_source_and_version(client: TestClient) -> None:
    body = client.get("/api/v1/indicators/care_guarantee_7d").json()
    assert body["name_fi"].startswith("Kiireettömään hoitoon pääsy 7 vuorokaudessa")
    assert body["name_sv"].startswith("Tillgång till icke-brådskande vård inom 7 dygn")
    assert body["unit"] == "percent"
    assert body["direction"] == "higher_better"
    assert body["targets"] == [
        {"value": 66.0, "deadline": "2024-Q2", "note": "interim"},
        {"value": 80.0, "deadline": "2025-Q4", "note": ""},
    ]
    assert "RRF" in body["source"]
    assert body["version"] == "v1"
    assert body["suppressible"] is True
    assert client.get("/api/v1/indicators/t3_days").json()["suppressible"] is False


@pytest.mark.parametrize(
    "path", ["/api/v1/indicators/no_such_thing", "/api/v1/indicators/no_such_thing/values"]
)
def test_unknown_indicator_is_a_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"detail": "unknown indicator 'no_such_thing'"}


def test_values_without_filters_are_the_snapshot_rows_with_provenance(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    body = client.get("/api/v1/indicators/care_guarantee_7d/values").json()
    assert rows_of(body) == county_snapshot.rows("care_guarantee_7d", role="public")
    assert body["role"] == "public"
    assert body["scope"] == "unit"
    assert body["definition_version"] == "v1"
    load = county_snapshot.load
    assert load is not None
    assert body["load"]["load_id"] == load.load_id
    assert body["load"]["extract_id"] == load.extract_id
    assert load.cutoff is not None
    assert body["load"]["cutoff"] == load.cutoff.isoformat()


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [("month", r"\d{4}-\d{2}"), ("quarter", r"\d{4}-Q[1-4]"), ("year", r"\d{4}")],
)
def test_period_filter_keeps_exactly_that_kind(
    client: TestClient, county_snapshot: Snapshot, kind: str, pattern: str
) -> None:
    body = client.get("/api/v1/indicators/contacts_total/values", params={"period": kind}).json()
    expected = [
        row
        for row in county_snapshot.rows("contacts_total", role="public")
        if re.fullmatch(pattern, row.period)
    ]
    assert expected
    assert rows_of(body) == expected


def test_unit_filter_is_repeatable_and_an_empty_value_is_the_county(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    unit = busiest_unit(county_snapshot, "contacts_total")
    body = client.get(
        "/api/v1/indicators/contacts_total/values?period=year&unit=" + unit + "&unit="
    ).json()
    expected = [
        row
        for row in county_snapshot.rows("contacts_total", role="public")
        if row.unit_id in (unit, "") and len(row.period) == 4
    ]
    assert {row.unit_id for row in expected} == {unit, ""}
    assert rows_of(body) == expected


def test_municipality_scope_puts_municipality_codes_in_unit_id(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    body = client.get(
        "/api/v1/indicators/contacts_total/values", params={"scope": "municipality"}
    ).json()
    assert body["scope"] == "municipality"
    rows = rows_of(body)
    assert rows == county_snapshot.rows("contacts_total", role="public", scope="municipality")
    codes = {row.unit_id for row in rows} - {""}
    assert codes and codes <= set(county_snapshot.municipality_codes())
    # The county is the same whatever the scope.
    unit_scope = county_snapshot.rows("contacts_total", role="public")
    assert [r for r in rows if not r.unit_id] == [r for r in unit_scope if not r.unit_id]


def test_municipality_filter_takes_a_municipality_code(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    code = county_snapshot.municipality_codes()[0]
    body = client.get(
        "/api/v1/indicators/contacts_total/values",
        params={"scope": "municipality", "unit": code},
    ).json()
    assert rows_of(body)
    assert {row.unit_id for row in rows_of(body)} == {code}
    unknown = client.get("/api/v1/indicators/contacts_total/values", params={"unit": code})
    assert unknown.status_code == 404  # a municipality code is not a unit id


def test_from_and_to_keep_periods_that_lie_within_the_range(client: TestClient) -> None:
    body = client.get(
        "/api/v1/indicators/contacts_total/values",
        params={"from": "2025-Q1", "to": "2025-Q1", "unit": ""},
    ).json()
    assert [row.period for row in rows_of(body)] == ["2025-01", "2025-02", "2025-03", "2025-Q1"]
    body = client.get(
        "/api/v1/indicators/contacts_total/values",
        params={"from": "2024-11", "to": "2025", "unit": "", "period": "year"},
    ).json()
    assert [row.period for row in rows_of(body)] == ["2025"]  # 2024 starts before 2024-11


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2025-Q2", "to": "2025-03"}, 422),
        ({"from": "2025-13"}, 422),
        ({"to": "25"}, 422),
        ({"period": "week"}, 422),
        ({"scope": "county"}, 422),
        ({"unit": "no-such-unit"}, 404),
    ],
)
def test_bad_filters_are_json_errors(
    client: TestClient, params: dict[str, str], status: int
) -> None:
    response = client.get("/api/v1/indicators/contacts_total/values", params=params)
    assert response.status_code == status
    assert "detail" in response.json()


def suppressed_key(snapshot: Snapshot) -> tuple[str, str, str]:
    """An indicator, period and unit whose public row is suppressed."""
    row = next(row for row in snapshot.all_rows(role="public") if row.suppressed)
    return row.indicator_id, row.period, row.unit_id


def fetch_row(client: TestClient, key: tuple[str, str, str], query: str = "") -> dict[str, Any]:
    indicator_id, period, unit_id = key
    body = client.get(
        f"/api/v1/indicators/{indicator_id}/values?unit={unit_id}&from={period}&to={period}" + query
    ).json()
    return next(row for row in body["rows"] if row["period"] == period)


def test_public_gets_suppressed_cells_and_no_url_lifts_suppression(
    client: TestClient, county_snapshot: Snapshot
) -> None:
    key = suppressed_key(county_snapshot)
    for query in ("", "&role=analyst", "&data_role=analyst"):
        row = fetch_row(client, key, query)
        assert row["suppressed"] is True
        assert (row["numerator"], row["denominator"], row["value"]) == (None, None, None)


def test_analyst_gets_the_numbers_behind_a_suppressed_cell(
    client_as: ClientAs, county_snapshot: Snapshot
) -> None:
    key = suppressed_key(county_snapshot)
    analyst = client_as("analyst")
    row = fetch_row(analyst, key)
    assert row["suppressed"] is False
    assert row["value"] is not None
    indicator_id = key[0]
    assert analyst.get(f"/api/v1/indicators/{indicator_id}/values").json()["role"] == "analyst"


def test_unit_manager_gets_public_numbers(client_as: ClientAs, county_snapshot: Snapshot) -> None:
    key = suppressed_key(county_snapshot)
    assert fetch_row(client_as("manager"), key)["suppressed"] is True
