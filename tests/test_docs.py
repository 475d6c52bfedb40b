"""The docs are kept true by the suite (style habit 9): a test fails when a CLI command or one
of its options, a setting, or an extract table is missing from the page that documents it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from tilannekuva.cli.main import app
from tilannekuva.model.extract_schema import TABLES
from tilannekuva.settings import CONFIG_ENV, Settings, env_var

DOCS = Path(__file__).resolve().parent.parent / "docs"


def commands() -> dict[str, Any]:
    """The registered commands, as the command line parser sees them."""
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


def cli_section(name: str) -> str:
    """The part of docs/cli.md under the heading ``## `tilannekuva <name>` ``."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    match = re.search(rf"^## `tilannekuva {name}`$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"docs/cli.md has no section for `tilannekuva {name}`"
    return match.group(1)


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_and_option_is_in_cli_md(name: str) -> None:
    section = cli_section(name)
    options = [
        opt
        for param in commands()[name].params
        if param.param_type_name == "option"
        for opt in param.opts
        if opt != "--help"
    ]
    missing = [opt for opt in options if f"`{opt}" not in section]
    assert not missing, f"docs/cli.md, `tilannekuva {name}`: options not described: {missing}"


def test_every_setting_is_in_operations_md() -> None:
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    for field in Settings.model_fields:
        assert f"`{field}`" in text, f"docs/operations.md does not describe setting {field}"
        assert f"`{env_var(field)}`" in text, f"docs/operations.md lacks {env_var(field)}"
    assert f"`{CONFIG_ENV}`" in text


def test_every_extract_table_is_in_warehouse_md() -> None:
    text = (DOCS / "warehouse.md").read_text(encoding="utf-8")
    missing = [table.name for table in TABLES if f"`{table.name}`" not in text]
    assert not missing, f"docs/warehouse.md does not describe tables {missing}"
