"""Hand-made extracts loaded through ingest, and the report built from them."""

from __future__ import annotations

from pathlib import Path

from tests.extract_files import MINIMAL, write_extract
from tilannekuva.ingest import load_extract
from tilannekuva.quality import QualityReport, build_report

# Cutoff 2025-06-30 12:00 Helsinki summer time (UTC+3) = 09:00 UTC.
META = {"extract_id": "quality-test", "cutoff": "2025-06-30T12:00:00", "source": "hand-made"}


def load_tables(folder: Path, tables: dict[str, str]) -> Path:
    """Write ``MINIMAL`` overridden by ``tables`` (with ``META``), load it; the warehouse."""
    extract = write_extract(folder / "extract", {**MINIMAL, **tables}, meta=META)
    warehouse = folder / "w.duckdb"
    load_extract(extract, warehouse)
    return warehouse


def report_for(folder: Path, tables: dict[str, str], *, example_limit: int = 5) -> QualityReport:
    """Load the tables and build the quality report of the load."""
    return build_report(load_tables(folder, tables), example_limit=example_limit)
