"""``tilannekuva indicators``: compute every indicator of an extract into one file (output-v1).

Exit status 0 when the file was written, even when rows were quarantined: the quarantine
summary then goes to standard error and every rejected row to ``quarantine.csv`` beside the
output file. Exit status 2, with a one-line reason and no traceback, when the extract cannot be
read at all. The extract is loaded into a temporary warehouse unless ``--warehouse`` names one.
"""

from __future__ import annotations

import csv
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tilannekuva.indicators import QuarantinedRow, indicators_for_extract, write_indicators
from tilannekuva.ingest import ExtractUnreadable
from tilannekuva.settings import get_settings

UNREADABLE_EXIT = 2
QUARANTINE_FILE = "quarantine.csv"


class Role(StrEnum):
    analyst = "analyst"
    public = "public"


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


def command(
    extract: Annotated[
        Path,
        typer.Option("--extract", help="The extract folder (CSV or Parquet).", file_okay=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="The output file.", dir_okay=False)],
    role: Annotated[
        Role, typer.Option("--role", help="analyst: no suppression; public: cells 1–4 suppressed.")
    ] = Role.analyst,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.csv,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse", help="Load into this warehouse file instead of a temporary one."
        ),
    ] = None,
) -> None:
    """Compute every indicator of indicators-v1 for an extract and write them to a file."""
    try:
        settings = get_settings()
        run = indicators_for_extract(
            extract,
            role=role.value,
            warehouse=warehouse,
            pseudonym_key=settings.pseudonym_key_text,
            memory_limit=settings.load_memory_limit,
        )
    except ExtractUnreadable as error:
        typer.echo(f"error: {' '.join(str(error).split())}", err=True)
        raise typer.Exit(UNREADABLE_EXIT) from None
    write_indicators(run.rows, out, fmt.value)
    write_quarantine(run.quarantine, out.parent / QUARANTINE_FILE)
    typer.echo(quarantine_summary(run.quarantine), err=True)
    typer.echo(f"wrote {len(run.rows)} indicator rows to {out}", err=True)


def write_quarantine(rows: list[QuarantinedRow], path: Path) -> None:
    """``file, line, column, reason`` of every rejected row (header only when none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "line", "column", "reason"])
        for row in rows:
            writer.writerow(
                [row.file, "" if row.line is None else row.line, row.column or "", row.reason]
            )


def quarantine_summary(rows: list[QuarantinedRow]) -> str:
    """One line for the total and one per file: how many rows the load rejected."""
    if not rows:
        return "quarantine: no rows rejected"
    per_file = Counter(row.file for row in rows)
    lines = [f"quarantine: {len(rows)} rows rejected (see {QUARANTINE_FILE})"]
    lines += [f"  {name}: {count}" for name, count in sorted(per_file.items())]
    return "\n".join(lines)
