"""The API's bulk rows are the CLI's rows for the same load and role (output-v1: "identical
numbers" from the CLI and over HTTP; issue: "API tests that compare API numbers with the CLI
output for the same load").

``tilannekuva indicators`` is run for real, on the fixture county's extract, with the fixture's
pseudonym key; its CSV is then compared with what an anonymous visitor (role public) and a
signed-in analyst download. The CSV must be the same bytes; the JSON and Parquet rows are read
back and compared value by value with the CLI's CSV cells, so they are checked against the
command, not against the writer that produced them.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tilannekuva.cli.main import app as cli_app
from tilannekuva.indicators.rows import OUTPUT_COLUMNS

pytestmark = pytest.mark.slow  # two real loads of a 3 000-person county

PSEUDONYM_KEY = "web-tests"  # the key tests/web/conftest.py loads the county with
NUMBER_COLUMNS = ("numerator", "denominator", "value")
BOOLEAN_COLUMNS = ("suppressed", "provisional")
ClientAs = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def cli_csv(
    county_extract: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], str]]:
    """``cli_csv(role)``: the text of ``tilannekuva indicators --role ROLE`` on the county."""
    written: dict[str, str] = {}

    def run(role: str) -> str:
        if role not in written:
            out = tmp_path_factory.mktemp(f"cli-{role}") / "indicators.csv"
            result = CliRunner().invoke(
                cli_app,
                ["indicators", "--extract", str(county_extract), "--out", str(out), "--role", role],
            )
            assert result.exit_code == 0, result.output
            written[role] = out.read_text(encoding="utf-8")
        return written[role]

    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("TILANNEKUVA_"):
                env.delenv(name)
        env.setenv("TILANNEKUVA_PSEUDONYM_KEY", PSEUDONYM_KEY)
        yield run


@pytest.fixture(params=["public", "analyst"])
def role_and_client(
    request: pytest.FixtureRequest, client: TestClient, client_as: ClientAs
) -> tuple[str, TestClient]:
    """An anonymous visitor for role public, a signed-in analyst for role analyst."""
    role: str = request.param
    return role, client if role == "public" else client_as("analyst")


def cli_records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def same_cell(cell: str, value: Any, column: str) -> bool:
    """Whether a CLI CSV cell and a JSON/Parquet value say the same thing."""
    if column in BOOLEAN_COLUMNS:
        return value is (cell == "true") and cell in ("true", "false")
    if column in NUMBER_COLUMNS:
        if cell == "":
            return value is None
        return value is not None and float(cell) == float(value)
    return bool(cell == value)


def assert_same_rows(cli: list[dict[str, str]], api: list[dict[str, Any]]) -> None:
    assert len(api) == len(cli)
    for line, (expected, got) in enumerate(zip(cli, api, strict=True), start=2):
        assert list(got) == list(OUTPUT_COLUMNS), f"row of CSV line {line}: columns"
        wrong = [c for c in OUTPUT_COLUMNS if not same_cell(expected[c], got[c], c)]
        assert not wrong, f"CSV line {line}: {wrong}: CLI {expected}, API {got}"


def test_csv_is_the_cli_file_byte_for_byte(
    cli_csv: Callable[[str], str], role_and_client: tuple[str, TestClient]
) -> None:
    role, client = role_and_client
    response = client.get("/api/v1/values.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["x-tilannekuva-role"] == role
    expected = cli_csv(role)
    assert response.content.decode("utf-8") == expected
    # Role matters for this county, so the comparison above could tell the roles apart.
    assert ",true," in cli_csv("public") and ",true," not in cli_csv("analyst").split("\n", 1)[1]


def test_json_rows_are_the_cli_rows(
    cli_csv: Callable[[str], str], role_and_client: tuple[str, TestClient]
) -> None:
    role, client = role_and_client
    response = client.get("/api/v1/values")
    assert response.status_code == 200
    assert_same_rows(cli_records(cli_csv(role)), response.json())
    # Integers stay integers (a count of 12 is not 12.0), as in the CLI's own JSON.
    counts = [row["value"] for row in response.json() if row["indicator_id"] == "contacts_total"]
    assert all(isinstance(value, int) for value in counts if value is not None)


def test_parquet_rows_are_the_cli_rows(
    cli_csv: Callable[[str], str], role_and_client: tuple[str, TestClient]
) -> None:
    role, client = role_and_client
    response = client.get("/api/v1/values.parquet")
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    assert table.column_names == list(OUTPUT_COLUMNS)
    assert [str(t) for t in table.schema.types] == [
        "string", "string", "string", "double", "int64", "double", "bool", "bool"
    ]  # fmt: skip
    assert_same_rows(cli_records(cli_csv(role)), table.to_pylist())
