"""write_indicators: the indicator rows as CSV, Parquet or JSON (output-v1).

The command writes files; the web API writes the same bytes to a response through
``write_csv``, ``write_json`` and ``write_parquet``, so the two cannot drift apart.

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
from typing import BinaryIO, TextIO

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


def write_csv(rows: Iterable[IndicatorRow], stream: TextIO) -> None:
    """The output-v1 CSV, header first, to an open text stream (the web API streams it)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    writer.writerows(csv_cells(row) for row in _ordered(rows))


def write_json(rows: Iterable[IndicatorRow], stream: TextIO) -> None:
    """The rows as a JSON list of objects with the CSV's keys, to an open text stream."""
    records = [{name: getattr(row, name) for name in OUTPUT_COLUMNS} for row in _ordered(rows)]
    stream.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")


def write_parquet(rows: Iterable[IndicatorRow], sink: Path | BinaryIO) -> None:
    """The rows as a typed Parquet file (``PARQUET_SCHEMA``) to a path or a binary stream."""
    ordered = _ordered(rows)
    columns = {name: [getattr(row, name) for row in ordered] for name in OUTPUT_COLUMNS}
    columns["numerator"] = [None if n is None else float(n) for n in columns["numerator"]]
    columns["value"] = [None if v is None else float(v) for v in columns["value"]]
    pq.write_table(pa.table(columns, schema=PARQUET_SCHEMA), sink)


def write_indicators(rows: Iterable[IndicatorRow], path: Path, fmt: str = "csv") -> None:
    """Write the rows to a file; every format sorts them again, so any caller's order gives
    the same file, and the web API's downloads are the same bytes as this file."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        write_parquet(rows, path)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        (write_csv if fmt == "csv" else write_json)(rows, handle)


def _ordered(rows: Iterable[IndicatorRow]) -> list[IndicatorRow]:
    return sorted(rows, key=IndicatorRow.sort_key)
