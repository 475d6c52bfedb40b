"""``tilannekuva load``: summary, exit statuses, and the settings it honours."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.extract_files import CONTACTS, MINIMAL, write_extract
from tilannekuva.cli.main import app


def test_load_prints_rows_and_quarantine_and_exits_0(tmp_path: Path) -> None:
    contacts = CONTACTS + "c2,p1,u1,2025-03-04T10:00,R99,doctor,nonurgent,,,,\n"
    extract = write_extract(tmp_path / "e", {**MINIMAL, "contacts": contacts})
    result = CliRunner().invoke(
        app,
        ["load", "--extract", str(extract), "--warehouse", str(tmp_path / "w.duckdb")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "contacts.csv" in result.stdout and "unknown_code" in result.stdout
    again = CliRunner().invoke(
        app, ["load", "--extract", str(extract), "--warehouse", str(tmp_path / "w.duckdb")]
    )
    assert again.exit_code == 0 and "already loaded" in again.stdout


def test_unreadable_extract_exits_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["load", "--extract", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "w")]
    )
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "no such extract folder" in result.output


def test_configured_warehouse_and_pseudonym_key_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "configured.duckdb"
    monkeypatch.setenv("TILANNEKUVA_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("TILANNEKUVA_PSEUDONYM_KEY", "county-secret")
    extract = write_extract(tmp_path / "e", MINIMAL)
    result = CliRunner().invoke(app, ["load", "--extract", str(extract)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(warehouse), read_only=True)
    stored = con.execute("SELECT person_id FROM persons ORDER BY _line").fetchall()
    expected = "ps-" + hashlib.sha256(b"county-secret:p1").hexdigest()[:32]
    assert stored[0] == (expected,)
