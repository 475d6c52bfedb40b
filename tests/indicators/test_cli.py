"""``tilannekuva indicators``: exit codes, the output file and quarantine.csv (output-v1)."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner

from tests.extract_files import write_extract
from tests.indicators.fixtures import CONTACT_HEADER, PERSONS, UNITS, contact, table
from tilannekuva.cli import indicators_cmd

app = typer.Typer()
app.command("indicators")(indicators_cmd.command)
app.command("other")(lambda: None)  # two commands, so Typer keeps the sub-command name


def extract(folder: Path, contacts: list[str]) -> Path:
    return write_extract(
        folder, {"units": UNITS, "persons": PERSONS, "contacts": table(CONTACT_HEADER, contacts)}
    )


def test_writes_output_and_quarantine_with_exit_0(tmp_path: Path) -> None:
    source = extract(
        tmp_path / "e",
        [
            contact("c1", "2025-03-05T09:00:00"),
            contact("c2", "not-a-time"),  # quarantined: line 3, column start_at
        ],
    )
    out = tmp_path / "out" / "indicators.csv"
    result = CliRunner().invoke(
        app, ["indicators", "--extract", str(source), "--out", str(out), "--role", "public"]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text("utf-8").splitlines()
    assert (
        lines[0] == "indicator_id,period,unit_id,numerator,denominator,value,suppressed,provisional"
    )
    # One contact: every row is suppressed in role public.
    assert "contacts_total,2025,,,,,true,false" in lines
    with (out.parent / "quarantine.csv").open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["file"], r["line"], r["column"]) for r in rejected] == [
        ("contacts.csv", "3", "start_at")
    ]
    assert "1 rows rejected" in result.stderr


def test_json_format(tmp_path: Path) -> None:
    source = extract(tmp_path / "e", [contact("c1", "2025-03-05T09:00:00")])
    out = tmp_path / "rows.json"
    result = CliRunner().invoke(
        app, ["indicators", "--extract", str(source), "--out", str(out), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("[")
    assert (tmp_path / "quarantine.csv").read_text("utf-8") == "file,line,column,reason\n"


def test_unreadable_extract_exits_2_with_one_line(tmp_path: Path) -> None:
    source = extract(tmp_path / "e", [])
    (source / "units.csv").unlink()
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["indicators", "--extract", str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "units.csv" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
