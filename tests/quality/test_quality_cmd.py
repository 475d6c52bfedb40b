"""``tilannekuva quality``: load-then-report, the JSON file, and exit status 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import typer
from typer.testing import CliRunner

from tests.extract_files import MINIMAL, write_extract
from tests.quality.loading import META
from tilannekuva.cli import quality_cmd

CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,a1,,
c2,p1,u1,2025-03-04T10:00:00,R99,doctor,nonurgent,,,,
"""


def _app() -> typer.Typer:
    """The command registered the way ``cli/main.py`` registers it."""
    app = typer.Typer()
    app.command("quality")(quality_cmd.command)
    app.command("noop")(lambda: None)  # a second command keeps "quality" a subcommand
    return app


def test_loads_the_extract_prints_tables_and_writes_json(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "x", {**MINIMAL, "contacts": CONTACTS}, meta=META)
    out = tmp_path / "out" / "quality.json"
    result = CliRunner().invoke(
        _app(),
        [
            "quality",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--extract",
            str(extract),
            "--json",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "broken_links" in result.stdout
    assert "1 rows quarantined" in result.stderr
    data = json.loads(out.read_text("utf-8"))
    # c1 names a1 but there is no assessments file; c2's code R99 is unknown.
    assert data["totals"]["broken_links"] == 1
    assert data["totals"]["unknown_codes"] == 1
    assert data["extract_id"] == "quality-test"


def test_unreadable_extract_exits_2_with_one_line(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "x", {"persons": MINIMAL["persons"]})  # no units.csv
    result = CliRunner().invoke(
        _app(), ["quality", "--warehouse", str(tmp_path / "w.duckdb"), "--extract", str(extract)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "units.csv" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_warehouse_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["quality", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "load an extract first" in result.stderr


def test_warehouse_without_a_load_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = CliRunner().invoke(_app(), ["quality", "--warehouse", str(empty)])
    assert result.exit_code == 2
    assert result.stderr == "error: the warehouse holds no load yet; load an extract first\n"
