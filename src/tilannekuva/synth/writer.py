"""Writing the extract's tables, chunk by chunk, as CSV or Parquet.

Column types come from ``model.extract_schema`` (the format declared once): integers, floats,
booleans and dates are typed; identifiers, codes and **timestamps are text**, because extract-v1
allows naive local times and offset times in the same column and a Parquet timestamp column
cannot hold both. Both formats therefore carry exactly the same cell text. Every file is opened
once and appended to, so memory stays bounded by one chunk; files of tables that got no rows
are written with their header only (extract-v1: an available source with no rows).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tilannekuva.model.extract_schema import TABLES, Kind, Table

FORMATS = ("csv", "parquet")
# Tables whose text may hold commas or quotes (unit names, free text) are quoted where needed;
# the others hold only ids, codes and ISO times and are written unquoted (smaller, faster to
# read). pyarrow refuses, rather than corrupts, an unquoted value with a comma or quote.
QUOTED_TABLES = frozenset({"units", "feedback_responses"})
_ARROW_TYPES = {
    Kind.INT: pa.int64(),
    Kind.FLOAT: pa.float64(),
    Kind.BOOL: pa.bool_(),
    Kind.DATE: pa.date32(),
}


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, _ARROW_TYPES.get(c.kind, pa.string())) for c in table.columns]
    )


class ExtractWriter:
    """Open writers for every extract table in ``out_dir``; use as a context manager."""

    def __init__(self, out_dir: Path, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.fmt = fmt
        self.schemas = {t.name: arrow_schema(t) for t in TABLES}
        self.rows = {t.name: 0 for t in TABLES}
        self._writers: dict[str, pacsv.CSVWriter | pq.ParquetWriter] = {}

    def path(self, name: str) -> Path:
        return self.out_dir / f"{name}.{self.fmt}"

    def _writer(self, name: str) -> pacsv.CSVWriter | pq.ParquetWriter:
        if name not in self._writers:
            schema = self.schemas[name]
            if self.fmt == "csv":
                quoting = "needed" if name in QUOTED_TABLES else "none"
                options = pacsv.WriteOptions(include_header=True, quoting_style=quoting)
                self._writers[name] = pacsv.CSVWriter(
                    str(self.path(name)), schema, write_options=options
                )
            else:
                self._writers[name] = pq.ParquetWriter(
                    str(self.path(name)), schema, compression="zstd"
                )
        return self._writers[name]

    def write(self, name: str, columns: dict[str, pa.Array]) -> None:
        """Append rows; columns not given are NULL, unknown column names are an error."""
        schema = self.schemas[name]
        unknown = set(columns) - set(schema.names)
        if unknown:
            raise KeyError(f"{name} has no column(s) {', '.join(sorted(unknown))}")
        n = len(next(iter(columns.values())))
        arrays = [
            columns[f.name].cast(f.type) if f.name in columns else pa.nulls(n, f.type)
            for f in schema
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
        if n:
            self._writer(name).write(batch)
            self.rows[name] += n

    def close(self) -> None:
        for name in self.rows:
            self._writer(name)  # header-only file for tables without rows
        for writer in self._writers.values():
            writer.close()

    def __enter__(self) -> ExtractWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
