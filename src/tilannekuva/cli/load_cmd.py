"""``tilannekuva load``: load an extract into the warehouse and summarise what was rejected.

Exit status 0 when the load was made (or the extract was already the current load), even with
quarantined rows; 2 with a one-line reason when the extract cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tilannekuva.cli.options import WarehouseOption
from tilannekuva.ingest import ExtractUnreadable, LoadResult, load_extract
from tilannekuva.settings import get_settings
from tilannekuva.warehouse import WarehouseBusy, connect

UNREADABLE_EXIT = 2


def command(
    extract: Annotated[
        Path,
        typer.Option("--extract", help="The extract folder (CSV or Parquet).", file_okay=False),
    ],
    warehouse: WarehouseOption = None,
) -> None:
    """Load an extract into the warehouse (atomic; loading the same extract again is a no-op)."""
    out = Console()
    err = Console(stderr=True)
    settings = get_settings()
    warehouse = warehouse or settings.warehouse_path
    with err.status("loading") as status:
        try:
            result = load_extract(
                extract,
                warehouse,
                progress=status.update,
                pseudonym_key=settings.pseudonym_key_text,
                memory_limit=settings.load_memory_limit,
            )
        except (ExtractUnreadable, WarehouseBusy) as error:
            err.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(UNREADABLE_EXIT) from None
    print_load_summary(out, result, warehouse)


def print_load_summary(out: Console, result: LoadResult, warehouse: Path) -> None:
    """Rows loaded per file, and quarantined rows by file and reason."""
    state = "already loaded, nothing changed" if result.already_loaded else "loaded"
    cutoff = f"{result.cutoff_local:%Y-%m-%d %H:%M}" if result.cutoff_local else "none"
    out.print(f"[bold]{result.extract_id}[/] {state} as load {result.load_id} (cutoff {cutoff})")
    table = Table("file", "rows read", "loaded", "quarantined", "duplicates dropped")
    con = connect(warehouse, read_only=True)
    try:
        for name, file_name, available, read, loaded, quarantined, duplicates in con.execute(
            "SELECT table_name, file_name, available, rows_read, rows_loaded, rows_quarantined, "
            "duplicates_dropped FROM sources"
        ).fetchall():
            label = file_name if available else f"{name} (missing)"
            table.add_row(label, str(read), str(loaded), str(quarantined), str(duplicates))
        out.print(table)
        reasons = con.execute(
            "SELECT file, reason_code, count(*) FROM quarantine GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    if reasons:
        by_reason = Table("file", "reason", "rows", title="Quarantined rows")
        for file_name, code, count in reasons:
            by_reason.add_row(file_name, code, str(count))
        out.print(by_reason)
