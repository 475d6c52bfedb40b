"""Command-line options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

WarehouseOption = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="The warehouse file (DuckDB); default: the configured warehouse.",
        dir_okay=False,
    ),
]
