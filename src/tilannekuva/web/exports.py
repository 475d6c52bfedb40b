"""Downloads of a table on screen as CSV, Excel and Parquet, with its provenance.

A page builds one :class:`Table` and renders it; the download routes build the same
:class:`Table` from the same query and write it here, so "download exactly what is on screen"
holds by construction (issue 3). Formats:

- **CSV** is machine format, as output-v1 writes numbers: UTF-8 *without* a byte-order mark,
  comma separated, ``\\n`` line ends, a header row of column keys, numbers with a dot and no
  thousands separators (floats at full precision), ``true``/``false`` for booleans and an
  empty cell for a missing or suppressed value. No BOM because the CSV is read by scripts,
  Power BI and the CLI's own tooling, where a BOM sticks to the first column name; people
  who open files in Excel take the ``.xlsx`` (Finnish Excel would also split a CSV on
  semicolons, not commas).
- **Excel** (openpyxl): one sheet with the table (translated column labels in a bold header
  row, numbers as numbers, booleans as booleans, text always as text, never as a formula)
  and a second sheet "About" with the provenance: indicator id, definition version, load id,
  extract id, role, generated at.
- **Parquet** (pyarrow): typed columns named by key, the same provenance in the schema
  metadata, so Power BI and notebooks read the same numbers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from typing import Literal
from urllib.parse import quote

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from tilannekuva.indicators.output import format_number

ColumnKind = Literal["text", "integer", "number", "boolean"]
DownloadFormat = Literal["csv", "xlsx", "parquet"]
DOWNLOAD_FORMATS: tuple[DownloadFormat, ...] = ("csv", "xlsx", "parquet")
MEDIA_TYPES: dict[DownloadFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
ABOUT_SHEET = "About"
_ARROW_TYPES: dict[ColumnKind, pa.DataType] = {
    "text": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}
_SHEET_TITLE_MAX = 31  # Excel's limit on sheet names


@dataclass(frozen=True)
class TableColumn:
    """One column: ``key`` names it in CSV and Parquet, ``label`` (translated) in Excel and
    on screen; ``kind`` fixes its type even when every cell is empty (all suppressed)."""

    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Table:
    """Rows as dicts keyed by column key; ``metadata`` is the provenance (ordered)."""

    columns: list[TableColumn]
    rows: list[dict[str, object]]
    title: str
    metadata: dict[str, str] = field(default_factory=dict)

    def to_csv_bytes(self) -> bytes:
        """Machine CSV (see the module docstring): no BOM, dot decimals, true/false."""
        stream = StringIO()
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([column.key for column in self.columns])
        for row in self.rows:
            writer.writerow([_csv_cell(row.get(column.key)) for column in self.columns])
        return stream.getvalue().encode("utf-8")

    def to_xlsx_bytes(self) -> bytes:
        """A workbook with the table and an "About" sheet of provenance."""
        workbook = Workbook()
        sheet = workbook.active
        assert isinstance(sheet, Worksheet)  # a new workbook always has one sheet
        sheet.title = _sheet_title(self.title)
        bold = Font(bold=True)
        sheet.append([column.label for column in self.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in self.rows:
            sheet.append([_xlsx_value(row.get(column.key), column) for column in self.columns])
        _keep_text_as_text(sheet, self.columns)
        sheet.freeze_panes = "A2"
        about = workbook.create_sheet(ABOUT_SHEET)
        about.append(["title", self.title])
        for key, value in self.metadata.items():
            about.append([key, value])
        for cell in about["A"]:
            cell.font = bold
        for cell in about["B"]:
            cell.data_type = "s"
        out = BytesIO()
        workbook.save(out)
        return out.getvalue()

    def to_parquet_bytes(self) -> bytes:
        """Typed columns; the title and provenance in the schema metadata."""
        schema = pa.schema(
            [pa.field(column.key, _ARROW_TYPES[column.kind]) for column in self.columns],
            metadata={"title": self.title, **self.metadata},
        )
        data = {
            column.key: [_arrow_value(row.get(column.key), column) for row in self.rows]
            for column in self.columns
        }
        out = BytesIO()
        pq.write_table(pa.table(data, schema=schema), out)
        return out.getvalue()

    def to_bytes(self, fmt: DownloadFormat) -> bytes:
        if fmt == "csv":
            return self.to_csv_bytes()
        if fmt == "xlsx":
            return self.to_xlsx_bytes()
        if fmt == "parquet":
            return self.to_parquet_bytes()
        raise ValueError(f"format must be one of {', '.join(DOWNLOAD_FORMATS)}, not {fmt!r}")


def download_response(table: Table, fmt: DownloadFormat, filename: str) -> Response:
    """The table as an attachment; ``filename`` gets the format's extension if it lacks it."""
    body = table.to_bytes(fmt)
    if not filename.endswith(f".{fmt}"):
        filename = f"{filename}.{fmt}"
    return Response(
        content=body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(filename)},
    )


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 6266 form."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def _xlsx_value(value: object, column: TableColumn) -> object:
    if value is None:
        return None
    if column.kind == "number" and isinstance(value, int | float):
        return float(value)
    return value


def _keep_text_as_text(sheet: Worksheet, columns: list[TableColumn]) -> None:
    """openpyxl stores a string starting with ``=`` as a formula; a unit name never is one."""
    for row in sheet.iter_rows(min_row=2):
        for cell, column in zip(row, columns, strict=True):
            if column.kind == "text" and isinstance(cell.value, str):
                cell.data_type = "s"


def _arrow_value(value: object, column: TableColumn) -> object:
    if value is None:
        return None
    if column.kind == "number" and isinstance(value, int | float):
        return float(value)
    if column.kind == "integer" and isinstance(value, int | float):
        return int(value)
    return value


def _sheet_title(title: str) -> str:
    """A valid sheet name: Excel forbids some characters and allows 31 of the rest."""
    cleaned = " ".join("".join(" " if c in "[]:*?/\\" else c for c in title).split()) or "Table"
    return cleaned[:_SHEET_TITLE_MAX]
