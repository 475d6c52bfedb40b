"""``tilannekuva board source|display``: tokens for source systems and wall displays.

Each test configures the commands as an operator does, with ``TILANNEKUVA_*`` variables: its
own SQLite store and the shared synthetic county as the warehouse (to check unit ids).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tilannekuva.board.store import BoardStore
from tilannekuva.cli.board_cmd import board_app
from tilannekuva.warehouse import connect

PUBLIC = "https://tilannekuva.example.fi"


@dataclass(frozen=True)
class Configured:
    url: str
    unit_ids: tuple[str, str]


@pytest.fixture
def configured(tmp_path: Path, county_warehouse: Path) -> Iterator[Configured]:
    url = f"sqlite:///{tmp_path / 'data' / 'operational.sqlite'}"
    connection = connect(county_warehouse, read_only=True)
    try:
        rows = connection.execute("SELECT unit_id FROM units ORDER BY unit_id LIMIT 2").fetchall()
    finally:
        connection.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        for name in list(os.environ):
            if name.startswith("TILANNEKUVA_"):
                patch.delenv(name)
        for name, value in {
            "DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": url,
            "WAREHOUSE": str(county_warehouse),
            "FEEDBACK_PUBLIC_URL": PUBLIC + "/",
        }.items():
            patch.setenv(f"TILANNEKUVA_{name}", value)
        yield Configured(url, (str(rows[0][0]), str(rows[1][0])))


def board(*args: str) -> Result:
    return CliRunner().invoke(board_app, list(args), env={"COLUMNS": "200"})


def opened(url: str) -> BoardStore:
    return BoardStore.open(url)


def test_a_source_gets_a_token_that_the_store_recognises(configured: Configured) -> None:
    added = board("source", "add", "pbx")
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert token.startswith("tkb_") and "\n" not in token
    assert "shown only now" in added.stderr
    store = opened(configured.url)
    try:
        assert store.source_for_token(token) == "pbx"
    finally:
        store.close()


def test_sources_are_listed_and_revoked(configured: Configured) -> None:
    token = board("source", "add", "pbx").stdout.strip()
    board("source", "add", "portal")
    assert board("source", "revoke", "portal").stdout.strip() == "source portal revoked"
    listed = board("source", "list").stdout.splitlines()
    assert listed[0] == "source\tstatus\tcreated\tevents\tlast_received"
    rows = [line.split("\t") for line in listed[1:]]
    assert [(row[0], row[1], row[3], row[4]) for row in rows] == [
        ("pbx", "active", "0", "-"),
        ("portal", "revoked", "0", "-"),
    ]
    store = opened(configured.url)
    try:
        assert store.source_for_token(token) == "pbx"
    finally:
        store.close()


def test_a_source_name_in_use_or_unknown_is_refused(configured: Configured) -> None:
    board("source", "add", "pbx")
    again = board("source", "add", "pbx")
    assert again.exit_code == 1 and "exists" in again.stderr
    assert board("source", "add", "two words").exit_code == 1
    missing = board("source", "revoke", "nobody")
    assert missing.exit_code == 1 and "no source nobody" in missing.stderr


def test_a_display_gets_its_address_and_shows_its_units(configured: Configured) -> None:
    first, second = configured.unit_ids
    added = board("display", "add", "lobby", "--unit", second, "--unit", first, "--theme", "light")
    assert added.exit_code == 0, added.output
    token, address = added.stdout.strip().split("\t")
    assert address == f"{PUBLIC}/wall/{token}"
    store = opened(configured.url)
    try:
        display = store.display_for_token(token)
    finally:
        store.close()
    assert display is not None
    assert (display.unit_ids, display.theme) == ((second, first), "light")
    listed = board("display", "list").stdout.splitlines()
    assert listed[0] == "display\tunits\ttheme\tstatus\tcreated\tlast_seen"
    name, units, theme, status, _created, seen = listed[1].split("\t")
    assert (name, units, theme, status, seen) == (
        "lobby",
        f"{second},{first}",
        "light",
        "active",
        "-",
    )
    assert board("display", "revoke", "lobby").stdout.strip() == "display lobby revoked"
    assert board("display", "list").stdout.splitlines()[1].split("\t")[3] == "revoked"


def test_a_display_of_an_unknown_unit_or_theme_is_refused(configured: Configured) -> None:
    unknown = board("display", "add", "lobby", "--unit", configured.unit_ids[0], "--unit", "NOPE")
    assert unknown.exit_code == 1 and "NOPE" in unknown.stderr
    theme = board("display", "add", "lobby", "--unit", configured.unit_ids[0], "--theme", "blue")
    assert theme.exit_code == 1 and "--theme" in theme.stderr
    assert board("display", "add", "lobby").exit_code != 0  # --unit is required
    assert board("display", "list").stdout.splitlines()[1:] == []


def test_an_unreachable_store_is_exit_2(
    configured: Configured, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "TILANNEKUVA_DATABASE_URL",
        "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1",
    )
    answer = board("source", "list")
    assert answer.exit_code == 2 and "cannot open the board store" in answer.stderr
