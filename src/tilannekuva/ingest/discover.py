"""Finding an extract's files, its optional ``extract.json`` and its checksum.

A table is ``<name>.csv`` or ``<name>.parquet`` (extract-v1); having both for one table is
ambiguous and stops the load. ``units``, ``persons`` and ``contacts`` are required; any other
file may be missing ("this source is not available").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tilannekuva.ingest.errors import ExtractUnreadable
from tilannekuva.ingest.timeparse import parse_timestamp
from tilannekuva.model.extract_schema import TABLES

META_FILE = "extract.json"
CODES_FILE = Path("codes") / "contact_types.csv"


@dataclass(frozen=True)
class ExtractMeta:
    """``extract.json``: all fields optional; ``cutoff`` as (UTC, local) naive datetimes."""

    extract_id: str | None = None
    source: str | None = None
    cutoff: tuple[datetime, datetime] | None = None


def find_table_files(extract_dir: Path) -> dict[str, Path]:
    """Table name → file; raises when the folder or a required file is missing."""
    if not extract_dir.is_dir():
        raise ExtractUnreadable(f"{extract_dir}: no such extract folder")
    found: dict[str, Path] = {}
    for spec in TABLES:
        candidates = [extract_dir / f"{spec.name}{suffix}" for suffix in (".csv", ".parquet")]
        present = [path for path in candidates if path.is_file()]
        if len(present) > 1:
            raise ExtractUnreadable(
                f"{extract_dir}: both {spec.name}.csv and {spec.name}.parquet; keep one"
            )
        if present:
            found[spec.name] = present[0]
        elif spec.required:
            raise ExtractUnreadable(f"{extract_dir}: required file {spec.name}.csv is missing")
    return found


def read_meta(extract_dir: Path) -> ExtractMeta:
    path = extract_dir / META_FILE
    if not path.is_file():
        return ExtractMeta()
    try:
        data = json.loads(path.read_text("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExtractUnreadable(f"{META_FILE}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise ExtractUnreadable(f"{META_FILE}: expected a JSON object")
    cutoff = None
    if data.get("cutoff") not in (None, ""):
        cutoff = parse_timestamp(str(data["cutoff"]))
        if cutoff is None:
            raise ExtractUnreadable(f"{META_FILE}: cutoff {data['cutoff']!r} is not ISO 8601")
    extract_id = data.get("extract_id")
    source = data.get("source")
    return ExtractMeta(
        extract_id=str(extract_id) if extract_id not in (None, "") else None,
        source=str(source) if source not in (None, "") else None,
        cutoff=cutoff,
    )


def extract_checksum(extract_dir: Path, files: dict[str, Path]) -> str:
    """sha256 over every file the load reads (names and contents), in a stable order."""
    paths = sorted(
        {*files.values(), extract_dir / META_FILE, extract_dir / CODES_FILE},
        key=lambda p: str(p.relative_to(extract_dir)),
    )
    total = hashlib.sha256()
    for path in paths:
        if not path.is_file():
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                digest.update(chunk)
        total.update(str(path.relative_to(extract_dir)).encode() + b"\0")
        total.update(digest.digest())
    return total.hexdigest()
