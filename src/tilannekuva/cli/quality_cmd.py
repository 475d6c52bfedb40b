"""``tilannekuva quality``: the data-quality report of the warehouse's current load.

With ``--extract`` the extract is loaded first (atomic and idempotent, so re-running on the
same extract changes nothing). An extract that cannot be read at all exits with status 2 and a
one-line reason, as ``tilannekuva indicators`` does (output-v1).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tilannekuva.cli.options import WarehouseOption
from tilannekuva.ingest import ExtractUnreadable, load_extract
from tilannekuva.quality import NoCurrentLoad, build_report
from tilannekuva.quality.render import print_report
from tilannekuva.quality.report import DEFAULT_EXAMPLE_LIMIT
from tilannekuva.settings import get_settings
from tilannekuva.warehouse import WarehouseMissing

UNREADABLE_EXIT = 2


class Language(StrEnum):
    fi = "fi"
    sv = "sv"
    en = "en"


def _fail(console: Console, reason: str) -> typer.Exit:
    console.print(f"error: {reason}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(UNREADABLE_EXIT)


def command(
    warehouse: WarehouseOption = None,
    extract: Annotated[
        Path | None,
        typer.Option("--extract", help="Load this extract folder first.", file_okay=False),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the report as JSON to this file.")
    ] = None,
    examples: Annotated[
        int, typer.Option("--examples", min=0, help="Example ids per check and unit.")
    ] = DEFAULT_EXAMPLE_LIMIT,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the check names.")
    ] = Language.en,
) -> None:
    """Report recording faults and data anomalies of the current load."""
    out = Console()
    err = Console(stderr=True)
    settings = get_settings()
    warehouse = warehouse or settings.warehouse_path
    if extract is not None:
        try:
            result = load_extract(
                extract,
                warehouse,
                progress=lambda message: err.print(message),
                pseudonym_key=settings.pseudonym_key_text,
                memory_limit=settings.load_memory_limit,
            )
        except ExtractUnreadable as error:
            raise _fail(err, str(error)) from None
        if result.rows_quarantined:
            err.print(f"{result.rows_quarantined} rows quarantined")
    try:
        report = build_report(warehouse, example_limit=examples)
    except (WarehouseMissing, NoCurrentLoad) as error:
        raise _fail(err, str(error)) from None
    print_report(report, out, lang.value)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
        json_out.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote {json_out}")
