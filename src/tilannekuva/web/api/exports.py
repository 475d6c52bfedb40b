"""``/api/v1/values`` (JSON, CSV, Parquet): every indicator row of the current load at once.

These are the tables Power BI and other tools read (docs/power-bi.md). They are written by the
command's own writers in :mod:`tilannekuva.indicators.output`, so a CSV from the API and a CSV
from ``tilannekuva indicators`` are the same bytes for the same load and role. A body is
built once per snapshot, role and format and then served from memory: a refresh that polls
every few minutes costs nothing until a new load arrives.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, TextIO

from fastapi import APIRouter, Response

from tilannekuva.indicators.output import write_csv, write_json, write_parquet
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.web.api.context import CurrentSnapshot, DataRole
from tilannekuva.web.api.schemas import IndicatorValue
from tilannekuva.web.snapshot import Snapshot

router = APIRouter()

TAG = "exports"
LOAD_HEADER = "X-Tilannekuva-Load-Id"
ROLE_HEADER = "X-Tilannekuva-Role"
PROVENANCE_HEADERS: dict[str, Any] = {
    LOAD_HEADER: {
        "description": "The load the rows come from (see /api/v1/loads); empty when none.",
        "schema": {"type": "string"},
    },
    ROLE_HEADER: {
        "description": "`public` (small cells suppressed) or `analyst`.",
        "schema": {"type": "string"},
    },
}
JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"


Renderer = Callable[[list[IndicatorRow]], bytes]


def _text(write: Callable[[Iterable[IndicatorRow], TextIO], None]) -> Renderer:
    def render(rows: list[IndicatorRow]) -> bytes:
        stream = io.StringIO(newline="")
        write(rows, stream)
        return stream.getvalue().encode("utf-8")

    return render


def _binary(write: Callable[[Iterable[IndicatorRow], BinaryIO], None]) -> Renderer:
    def render(rows: list[IndicatorRow]) -> bytes:
        buffer = io.BytesIO()
        write(rows, buffer)
        return buffer.getvalue()

    return render


RENDERERS: dict[str, Renderer] = {
    "json": _text(write_json),
    "csv": _text(write_csv),
    "parquet": _binary(write_parquet),
}


class ExportCache:
    """The newest snapshot's bodies per format and role; a new snapshot replaces them."""

    def __init__(self) -> None:
        self._bodies: dict[tuple[str, str], tuple[Snapshot, bytes]] = {}
        self._lock = threading.Lock()

    def body(self, snapshot: Snapshot, role: str, fmt: str) -> bytes:
        with self._lock:
            kept = self._bodies.get((fmt, role))
            if kept is None or kept[0] is not snapshot:
                kept = (snapshot, RENDERERS[fmt](snapshot.all_rows(role=role)))
                self._bodies[(fmt, role)] = kept
            return kept[1]


EXPORTS = ExportCache()


@router.get(
    "/values",
    response_model=list[IndicatorValue],
    responses={200: {"headers": PROVENANCE_HEADERS}},
    tags=[TAG],
    summary="All indicator rows as JSON",
    description="Every output row of the current load for the caller's role, exactly as "
    "`tilannekuva indicators --format json` writes them: a list of objects in output-v1 "
    "order. The load and role are in the response headers.",
)
def all_values(snapshot: CurrentSnapshot, role: DataRole) -> Response:
    return _download(snapshot, role, "json", JSON_MEDIA_TYPE)


@router.get(
    "/values.csv",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": PROVENANCE_HEADERS,
        }
    },
    tags=[TAG],
    summary="All indicator rows as CSV",
    description="The output-v1 CSV of the current load for the caller's role: the same "
    "bytes as `tilannekuva indicators --out FILE.csv` writes for the same load and role.",
)
def all_values_csv(snapshot: CurrentSnapshot, role: DataRole) -> Response:
    return _download(snapshot, role, "csv", CSV_MEDIA_TYPE, filename="indicators.csv")


@router.get(
    "/values.parquet",
    response_class=Response,
    responses={
        200: {
            "content": {PARQUET_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "headers": PROVENANCE_HEADERS,
        }
    },
    tags=[TAG],
    summary="All indicator rows as Parquet",
    description="The rows of `/api/v1/values` as a typed Parquet file with the columns and "
    "types of `tilannekuva indicators --format parquet`.",
)
def all_values_parquet(snapshot: CurrentSnapshot, role: DataRole) -> Response:
    return _download(snapshot, role, "parquet", PARQUET_MEDIA_TYPE, filename="indicators.parquet")


def _download(
    snapshot: Snapshot, role: str, fmt: str, media_type: str, *, filename: str | None = None
) -> Response:
    """A bulk response that names its load and role in its headers."""
    headers = {
        LOAD_HEADER: snapshot.load.load_id if snapshot.load else "",
        ROLE_HEADER: role,
    }
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(EXPORTS.body(snapshot, role, fmt), media_type=media_type, headers=headers)
