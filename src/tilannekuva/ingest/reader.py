"""Reading one extract file into a DuckDB table of raw cell text.

Every cell stays text here (an empty cell is NULL), so duplicate detection can compare the raw
text (extract-v1 Clarifications: ``true`` and ``1`` differ) and every parse error can name its
line. Each row carries ``_line``: its physical line in the CSV file, the header being line 1.

CSV is streamed by Arrow's reader in blocks into DuckDB, so memory stays bounded whatever the
file's size (DuckDB spills to disk past its memory limit). Arrow's row numbers equal physical
line numbers only when no record spans lines and no line is blank, so the file's line breaks are
counted as well; when the counts disagree (embedded newlines, blank lines, lone CR endings) or
Arrow rejects a record (wrong number of fields), the file is read again with Python's ``csv``
module, which tracks physical lines exactly and lets malformed records be quarantined one by
one. Parquet is streamed by row groups.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tilannekuva.ingest.errors import ExtractUnreadable
from tilannekuva.ingest.sql import ident

LINE = "_line"
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 24


# Files up to this size are read whole by Arrow's multi-threaded reader and scanned by DuckDB
# in place; larger ones are streamed block by block into a DuckDB table (bounded memory).
IN_MEMORY_BYTES = 128 << 20


@dataclass
class RawFile:
    """The raw text of one file, readable in DuckDB as ``table``: the header's columns as
    text plus ``_line``. ``arrow`` holds the data when ``table`` is a registered Arrow table
    rather than a DuckDB temp table; :meth:`release` frees either."""

    path: Path
    table: str
    header: list[str]
    rows: int
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    arrow: pa.Table | None = None

    def release(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.arrow is not None:
            con.unregister(self.table)
            self.arrow = None
        else:
            con.execute(f"DROP TABLE IF EXISTS {ident(self.table)}")


def _in_memory(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    data: pa.Table,
    lines: pa.Array | None = None,
    malformed: list[tuple[int, str]] | None = None,
) -> RawFile:
    """Register a whole Arrow table of text columns (plus ``_line``) under ``table``."""
    header = list(data.column_names)
    if lines is None:
        lines = pa.array(range(2, data.num_rows + 2), pa.int64())
    data = data.append_column(LINE, lines)
    con.register(table, data)
    return RawFile(
        path=path,
        table=table,
        header=header,
        rows=data.num_rows,
        malformed=malformed or [],
        arrow=data,
    )


class _Sink:
    """Appends Arrow batches of text columns to a new DuckDB temp table."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, header: list[str]) -> None:
        self.con = con
        self.table = table
        self.rows = 0
        columns = ", ".join(f"{ident(name)} VARCHAR" for name in header)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(table)} ({columns}, {LINE} BIGINT)")

    def append(self, batch: pa.Table, lines: pa.Array | None = None) -> None:
        if lines is None:
            lines = pa.array(range(self.rows + 2, self.rows + 2 + batch.num_rows), pa.int64())
        self.con.register("batch_input", batch.append_column(LINE, lines))
        self.con.execute(f"INSERT INTO {ident(self.table)} SELECT * FROM batch_input")
        self.con.unregister("batch_input")
        self.rows += batch.num_rows


def read_raw(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawFile:
    """Read a CSV or Parquet file into DuckDB table ``table``.

    Raises :class:`ExtractUnreadable` when the file cannot be read.
    """
    if path.suffix == ".parquet":
        return _read_parquet(con, path, table)
    return _read_csv(con, path, table)


def _check_header(path: Path, header: list[str]) -> list[str]:
    if not header or header == [""]:
        raise ExtractUnreadable(f"{path.name}: no header row")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise ExtractUnreadable(f"{path.name}: column {name!r} appears twice in the header")
        if name == LINE:
            raise ExtractUnreadable(f"{path.name}: column name {LINE!r} is reserved")
        seen.add(name)
    return header


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawFile:
    try:
        parquet = pq.ParquetFile(path)
        header = _check_header(path, list(parquet.schema_arrow.names))
        if path.stat().st_size <= IN_MEMORY_BYTES // 4:  # Parquet is compressed
            whole = parquet.read()
            columns = [_parquet_column_as_text(c) for c in whole.columns]
            return _in_memory(con, path, table, pa.table(columns, names=header))
        sink = _Sink(con, table, header)
        for batch in parquet.iter_batches(batch_size=1 << 18):
            columns = [_parquet_column_as_text(column) for column in batch.columns]
            sink.append(pa.table(columns, names=header))
    except (OSError, pa.ArrowException) as error:
        raise ExtractUnreadable(f"{path.name}: not a readable Parquet file ({error})") from None
    return RawFile(path=path, table=table, header=header, rows=sink.rows)


def _parquet_column_as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Typed Parquet values become the text a CSV would hold (ISO dates and instants)."""
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        column = pc.cast(column, pa.timestamp("us", tz="UTC"))
    if pa.types.is_dictionary(kind):
        column = pc.cast(column, kind.value_type)
    text = pc.cast(column, pa.string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _count_line_breaks(path: Path) -> tuple[int, bool]:
    """Number of ``\\n`` bytes and whether the file ends without one."""
    count = 0
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last not in (b"\n", b"")


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawFile:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise ExtractUnreadable(f"{path.name}: cannot be read ({error.strerror})") from None
    if not head or head == _BOM:
        raise ExtractUnreadable(f"{path.name}: the file is empty (no header row)")
    if b"\x00" in head:
        raise ExtractUnreadable(f"{path.name}: not a CSV text file (binary content)")
    fast = _read_csv_fast(con, path, table)
    if fast is not None:
        return fast
    return _read_csv_exact(con, path, table)


def _read_csv_fast(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawFile | None:
    """Arrow's reader; ``None`` when line numbers would not be exact or a record is bad."""
    try:
        with pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(block_size=1 << 16), parse_options=_PARSE
        ) as stream:
            header = list(stream.schema.names)
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    _check_header(path, header)
    read_options = pacsv.ReadOptions(block_size=1 << 24)
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
    )
    breaks, unterminated = _count_line_breaks(path)
    try:
        if path.stat().st_size <= IN_MEMORY_BYTES:
            whole = pacsv.read_csv(
                path, read_options=read_options, parse_options=_PARSE, convert_options=convert
            )
            if breaks + int(unterminated) != whole.num_rows + 1:
                return None
            return _in_memory(con, path, table, whole)
        sink = _Sink(con, table, header)
        with pacsv.open_csv(
            path, read_options=read_options, parse_options=_PARSE, convert_options=convert
        ) as stream:
            for batch in stream:
                sink.append(pa.Table.from_batches([batch]))
    except (pa.ArrowException, UnicodeDecodeError):
        con.execute(f"DROP TABLE IF EXISTS {ident(table)}")
        return None
    if breaks + int(unterminated) != sink.rows + 1:
        con.execute(f"DROP TABLE {ident(table)}")
        return None
    return RawFile(path=path, table=table, header=header, rows=sink.rows)


_PARSE = pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False)


def _read_csv_exact(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> RawFile:
    """Python's csv module with physical line numbers; malformed records are listed."""
    csv.field_size_limit(1 << 30)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractUnreadable(
            f"{path.name}: not UTF-8 text (byte {error.start}: {error.reason})"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _check_header(path, next(reader, []))
        width = len(header)
        cells: list[list[str | None]] = [[] for _ in header]
        lines: list[int] = []
        malformed: list[tuple[int, str]] = []
        while True:
            start = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not row:
                continue  # a blank line is no record
            if len(row) != width:
                malformed.append((start, f"expected {width} fields, found {len(row)}"))
                continue
            lines.append(start)
            for column, value in zip(cells, row, strict=True):
                column.append(value if value != "" else None)
    except csv.Error as error:
        raise ExtractUnreadable(
            f"{path.name} line {reader.line_num}: not valid CSV ({error})"
        ) from None
    arrays = [pa.array(column, pa.string()) for column in cells]
    data = pa.table(arrays, names=header)
    return _in_memory(con, path, table, data, pa.array(lines, pa.int64()), malformed)
