"""write_indicators: the indicator rows as CSV, Parquet or JSON (output-v1).

CSV is the contract: columns in the order of ``OUTPUT_COLUMNS``, rows sorted by indicator_id,
period, unit_id in plain string order, numbers without thousands separators and with a dot,
integers as integers, ratios at full float precision (``repr``: the shortest text that reads
back as the same float, far beyond the 6 significant digits required), booleans
``true``/``false`` and None as an empty cell. Parquet keeps the types; JSON is a list of objects
with the same keys and JSON numbers, booleans and nulls.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tilannekuva.indicators.rows import OUTPUT_COLUMNS, IndicatorRow, Number

FORMATS = ("csv", "parquet", "json")

PARQUET_SCHEMA = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("period", pa.string()),
        ("unit_id", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.int64()),
        ("value", pa.float64()),
        ("suppressed", pa.bool_()),
        ("provisional", pa.bool_()),
    ]
)


def format_number(number: Number | None) -> str:
    """Text of one number cell: ``""`` for None, ``12`` for ints, ``repr`` for floats."""
    if number is None:
        return ""
    if isinstance(number, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(number, int):
        return str(number)
    return repr(float(number))


def csv_cells(row: IndicatorRow) -> list[str]:
    """One CSV record in ``OUTPUT_COLUMNS`` order."""
    return [
        row.indicator_id,
        row.period,
        row.unit_id,
        format_number(row.numerator),
        format_number(row.denominator),
        format_number(row.value),
        "true" if row.suppressed else "false",
        "true" if row.provisional else "false",
    ]


def write_indicators(rows: Iterable[IndicatorRow], path: Path, fmt: str = "csv") -> None:
    """Write the rows (sorted again here, so any caller's order gives the same file)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    ordered = sorted(rows, key=IndicatorRow.sort_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(OUTPUT_COLUMNS)
            writer.writerows(csv_cells(row) for row in ordered)
    elif fmt == "json":
        records = [{name: getattr(row, name) for name in OUTPUT_COLUMNS} for row in ordered]
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        columns = {name: [getattr(row, name) for row in ordered] for name in OUTPUT_COLUMNS}
        columns["numerator"] = [None if n is None else float(n) for n in columns["numerator"]]
        columns["value"] = [None if v is None else float(v) for v in columns["value"]]
        pq.write_table(pa.table(columns, schema=PARQUET_SCHEMA), path)
