"""``tilannekuva synth``: write a synthetic Kainuu-like county as an extract (extract-v1).

The same seed and size always give byte-identical files, so a synthetic extract can be named
in a bug report or a benchmark by its two numbers. Progress goes to standard error; the summary
(rows per file) to standard output.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tilannekuva.synth import DEFAULT_PERSONS, SynthSummary, generate_extract


class ExtractFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


def command(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the extract into.", file_okay=False)
    ],
    persons: Annotated[
        int,
        typer.Option("--persons", min=1, help="Residents of the county (default: Kainuu, 72 306)."),
    ] = DEFAULT_PERSONS,
    fmt: Annotated[
        ExtractFormat, typer.Option("--format", help="File format.")
    ] = ExtractFormat.csv,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same files).")
    ] = 2025,
) -> None:
    """Generate a synthetic Kainuu-like county as a complete extract (every extract-v1 file)."""
    err = Console(stderr=True)
    columns = (
        TextColumn("generating persons"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("persons", total=persons)
        summary = generate_extract(
            out,
            persons=persons,
            seed=seed,
            fmt=fmt.value,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    print_summary(Console(), summary)


def print_summary(console: Console, summary: SynthSummary) -> None:
    console.print(
        f"[bold]{summary.extract_id}[/] written to {summary.out_dir} "
        f"({summary.fmt}, cutoff {summary.cutoff}, {summary.seconds:.1f} s)"
    )
    table = Table("file", "rows")
    for name, rows in summary.rows.items():
        table.add_row(f"{name}.{summary.fmt}", f"{rows:,}".replace(",", " "))
    console.print(table)
