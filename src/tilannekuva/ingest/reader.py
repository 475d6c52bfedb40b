"""Reading one extract file into an Arrow table of raw cell text.

Every cell stays text here (an empty cell is NULL), so duplicate detection can compare the raw
text (extract-v1 Clarifications: ``true`` and ``1`` differ) and every parse error can name its
line. Each row carries ``_line``: its physical line in the CSV file, the header being line 1.

CSV is read by Arrow's multi-threaded reader. Its row numbers equal physical line numbers only
when no record spans lines and no line is blank, so the file's line breaks are counted as well;
when the counts disagree (embedded newlines, blank lines, lone CR endings) or Arrow rejects a
record (wrong number of fields), the file is read again with Python's ``csv`` module, which
tracks physical lines exactly and lets malformed records be quarantined one by one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tilannekuva.ingest.errors import ExtractUnreadable

LINE = "_line"
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 24


@dataclass
class RawFile:
    """The raw text of one file: ``table`` has the header's columns (text) plus ``_line``."""

    path: Path
    table: pa.Table
    header: list[str]
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def read_raw(path: Path) -> RawFile:
    """Read a CSV or Parquet file; raises :class:`ExtractUnreadable` when it cannot be read."""
    if path.suffix == ".parquet":
        return _read_parquet(path)
    return _read_csv(path)


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


def _read_parquet(path: Path) -> RawFile:
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise ExtractUnreadable(f"{path.name}: not a readable Parquet file ({error})") from None
    header = _check_header(path, list(table.column_names))
    columns = [_parquet_column_as_text(col) for col in table.columns]
    lines = pa.array(range(2, table.num_rows + 2), pa.int64())
    raw = pa.table([*columns, lines], names=[*header, LINE])
    return RawFile(path=path, table=raw, header=header)


def _parquet_column_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
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


def _read_csv(path: Path) -> RawFile:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise ExtractUnreadable(f"{path.name}: cannot be read ({error.strerror})") from None
    if not head or head == _BOM:
        raise ExtractUnreadable(f"{path.name}: the file is empty (no header row)")
    if b"\x00" in head:
        raise ExtractUnreadable(f"{path.name}: not a CSV text file (binary content)")
    fast = _read_csv_fast(path)
    if fast is not None:
        return fast
    return _read_csv_exact(path)


def _read_csv_fast(path: Path) -> RawFile | None:
    """Arrow's reader; ``None`` when line numbers would not be exact or a record is bad."""
    try:
        with pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(block_size=1 << 16), parse_options=_PARSE
        ) as stream:
            header = list(stream.schema.names)
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=_PARSE,
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    breaks, unterminated = _count_line_breaks(path)
    if breaks + int(unterminated) != table.num_rows + 1:
        return None
    _check_header(path, header)
    lines = pa.array(range(2, table.num_rows + 2), pa.int64())
    return RawFile(path=path, table=table.append_column(LINE, lines), header=header)


_PARSE = pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False)


def _read_csv_exact(path: Path) -> RawFile:
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
    table = pa.table([*arrays, pa.array(lines, pa.int64())], names=[*header, LINE])
    return RawFile(path=path, table=table, header=header, malformed=malformed)
