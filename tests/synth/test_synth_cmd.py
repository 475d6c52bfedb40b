"""``tilannekuva synth`` writes the county and prints the rows per file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tilannekuva.cli.main import app


def test_synth_writes_a_parquet_extract_and_summarises_it(tmp_path: Path) -> None:
    out = tmp_path / "county"
    result = CliRunner().invoke(
        app,
        ["synth", "--persons", "300", "--out", str(out), "--format", "parquet", "--seed", "4"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "synth-kainuu-300-4" in result.stdout
    assert "persons.parquet" in result.stdout
    assert (out / "contacts.parquet").is_file()
    assert (
        json.loads((out / "extract.json").read_text("utf-8"))["extract_id"] == "synth-kainuu-300-4"
    )


def test_synth_refuses_an_unknown_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code != 0
    assert not (tmp_path / "units.csv").exists()
