"""Delivery of feedback responses to the national collection, behind an adapter.

THL's national customer feedback is meant to be delivered with a list of background items,
and Kainuu's plan is to pass it on automatically following DigiFinland's specifications — but
neither the item list nor the delivery format has been published (domain.md §5.2,
UNCONFIRMED). So the delivery is split in two: this module decides *which* responses go out
(each exactly once across runs, or a chosen period again on request), and an adapter
(:class:`NationalExport`) decides *how* they are written. The one adapter today,
``tilannekuva-national-feedback-v0`` (:class:`CsvManifestV0`), writes a documented UTF-8 CSV
and a JSON manifest (``docs/national-export.md``); the national format becomes a second
adapter when it is published, with no change here. Free text never leaves the store.

Exactly once. Responses are delivered in store-id order and ``delivered.json`` in the
destination folder keeps the highest id delivered. A response goes out only once it can no
longer change: an answer to an invitation when the invitation has expired (an SMS score may
still get its statements through the follow-up link until then), any answer only
:data:`SETTLE_LAG` after its last change (so a transaction that took its id earlier but
committed later is never jumped over). A run delivers the unbroken run of such responses
after the watermark and stops at the first one still open, so nothing is skipped; an answer
is delivered at most ``link_days`` plus the lag after its invitation was sent. The data file
and the manifest are written before the watermark moves, and an incremental batch is named by
its first store id: a run interrupted between the two rewrites the same batch on its next
run instead of delivering its rows a second time under another name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.models import InvitationRow, ResponseRow
from tilannekuva.model.extract_schema import STATEMENTS

LOCAL_ZONE = ZoneInfo("Europe/Helsinki")
WATERMARK_FILE = "delivered.json"
SETTLE_LAG = timedelta(minutes=10)
BatchKind = Literal["incremental", "re-export"]


@dataclass(frozen=True)
class ExportRow:
    """One response with its background items; ``statements`` are s1…s7 in order."""

    store_id: int  # the store's row id: orders delivery, never written to the files
    response_id: str
    submitted_at: datetime
    channel: str
    provider_id: str
    unit_id: str
    unit_name: str | None
    service_area: str | None
    nps: int | None
    statements: tuple[int | None, ...]
    questionnaire_version: str
    language: str


@dataclass(frozen=True)
class ExportBatch:
    """The responses of one delivery, and what the manifest says about them."""

    name: str
    kind: BatchKind
    rows: tuple[ExportRow, ...]
    period_start: datetime | None  # submitted_at range asked for (re-export) or covered
    period_end: datetime | None
    created_at: datetime
    provider_id: str

    @property
    def questionnaire_versions(self) -> list[str]:
        return sorted({row.questionnaire_version for row in self.rows})


class NationalExport(Protocol):
    """A delivery format: writes a batch into a folder and returns the files it wrote."""

    format_name: str
    format_version: str

    def write(self, batch: ExportBatch, destination: Path) -> list[Path]: ...


@dataclass(frozen=True)
class Delivery:
    """What one run delivered: the batch (None when there was nothing new) and its files."""

    batch: ExportBatch | None
    files: tuple[Path, ...]
    watermark: int | None  # the highest store id delivered so far (incremental runs)

    @property
    def rows(self) -> int:
        return len(self.batch.rows) if self.batch else 0


# --- the v0 adapter --------------------------------------------------------------------------

V0_COLUMNS = (
    "response_id",
    "submitted_at",
    "submitted_local_date",
    "channel",
    "provider_id",
    "unit_id",
    "unit_name",
    "service_area",
    "nps",
    *STATEMENTS,
    "questionnaire_version",
    "language",
)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cell(value: int | str | None) -> str:
    return "" if value is None else str(value)


class CsvManifestV0:
    """``tilannekuva-national-feedback-v0``: ``<batch>.csv`` plus ``<batch>.manifest.json``.

    The CSV is UTF-8 without a byte-order mark, comma-separated with a header row and
    RFC 4180 quoting; a statement answered "cannot say" is 0 and one not asked or not
    answered is empty. The manifest is written last: a batch without one is incomplete.
    """

    format_name = "tilannekuva-national-feedback"
    format_version = "0"

    def write(self, batch: ExportBatch, destination: Path) -> list[Path]:
        destination.mkdir(parents=True, exist_ok=True)
        data = self._csv(batch).encode("utf-8")
        data_path = destination / f"{batch.name}.csv"
        manifest_path = destination / f"{batch.name}.manifest.json"
        write_atomically(data_path, data)
        manifest = self._manifest(batch, data_path.name, hashlib.sha256(data).hexdigest())
        write_atomically(manifest_path, _json(manifest))
        return [data_path, manifest_path]

    def _csv(self, batch: ExportBatch) -> str:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(V0_COLUMNS)
        for row in batch.rows:
            writer.writerow(
                [
                    row.response_id,
                    utc_text(row.submitted_at),
                    row.submitted_at.astimezone(LOCAL_ZONE).date().isoformat(),
                    row.channel,
                    row.provider_id,
                    row.unit_id,
                    _cell(row.unit_name),
                    _cell(row.service_area),
                    _cell(row.nps),
                    *(_cell(value) for value in row.statements),
                    row.questionnaire_version,
                    row.language,
                ]
            )
        return text.getvalue()

    def _manifest(self, batch: ExportBatch, data_file: str, checksum: str) -> dict[str, Any]:
        return {
            "format": self.format_name,
            "format_version": self.format_version,
            "batch": batch.name,
            "kind": batch.kind,
            "data_file": data_file,
            "row_count": len(batch.rows),
            "columns": list(V0_COLUMNS),
            "period": {
                "start": utc_text(batch.period_start) if batch.period_start else None,
                "end": utc_text(batch.period_end) if batch.period_end else None,
            },
            "provider_id": batch.provider_id,
            "questionnaire_versions": batch.questionnaire_versions,
            "sha256": checksum,
            "created_at": utc_text(batch.created_at),
        }


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one."""
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


# --- choosing the responses ------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    row: ExportRow
    updated_at: datetime
    invitation_expires_at: datetime | None


def _read(
    store: FeedbackStore,
    provider_id: str,
    unit_names: Mapping[str, str],
    *,
    after_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[_Stored]:
    query = (
        select(ResponseRow, InvitationRow.expires_at)
        .outerjoin(InvitationRow, InvitationRow.invitation_id == ResponseRow.invitation_id)
        .order_by(ResponseRow.id)
    )
    if after_id is not None:
        query = query.where(ResponseRow.id > after_id)
    if start is not None:
        query = query.where(ResponseRow.submitted_at >= start)
    if end is not None:
        query = query.where(ResponseRow.submitted_at < end)
    with Session(store.engine) as session:
        return [
            _Stored(_export_row(response, provider_id, unit_names), response.updated_at, expires)
            for response, expires in session.execute(query)
        ]


def _export_row(response: ResponseRow, provider_id: str, names: Mapping[str, str]) -> ExportRow:
    return ExportRow(
        store_id=response.id,
        response_id=response.response_id,
        submitted_at=response.submitted_at,
        channel=response.channel,
        provider_id=provider_id,
        unit_id=response.unit_id,
        unit_name=names.get(response.unit_id),
        service_area=response.service_area,
        nps=response.nps,
        statements=tuple(getattr(response, name) for name in STATEMENTS),
        questionnaire_version=response.questionnaire_version,
        language=response.language,
    )


def settled(stored: _Stored, now: datetime, lag: timedelta = SETTLE_LAG) -> bool:
    """Whether a response can no longer change (see the module docstring)."""
    if stored.updated_at > now - lag:
        return False
    return stored.invitation_expires_at is None or stored.invitation_expires_at <= now


def _settled_prefix(candidates: Sequence[_Stored], now: datetime) -> list[ExportRow]:
    rows: list[ExportRow] = []
    for stored in candidates:
        if not settled(stored, now):
            break
        rows.append(stored.row)
    return rows


def read_watermark(destination: Path) -> int:
    """The highest store id already delivered to ``destination`` (0: nothing yet)."""
    path = destination / WATERMARK_FILE
    if not path.is_file():
        return 0
    state = json.loads(path.read_text(encoding="utf-8"))
    return int(state["last_store_id"])


def _record_delivery(destination: Path, batch: ExportBatch, adapter: NationalExport) -> int:
    path = destination / WATERMARK_FILE
    state: dict[str, Any] = (
        json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"batches": []}
    )
    last = batch.rows[-1].store_id
    state["format"] = f"{adapter.format_name}-v{adapter.format_version}"
    state["last_store_id"] = last
    state["updated_at"] = utc_text(batch.created_at)
    state["batches"] = [b for b in state.get("batches", []) if b["name"] != batch.name] + [
        {
            "name": batch.name,
            "rows": len(batch.rows),
            "first_store_id": batch.rows[0].store_id,
            "last_store_id": last,
            "created_at": utc_text(batch.created_at),
        }
    ]
    write_atomically(path, _json(state))
    return last


def _prefix(adapter: NationalExport) -> str:
    return f"{adapter.format_name}-v{adapter.format_version}"


def deliver_new(
    store: FeedbackStore,
    destination: Path,
    *,
    provider_id: str,
    unit_names: Mapping[str, str] | None = None,
    adapter: NationalExport | None = None,
) -> Delivery:
    """Deliver every settled response not delivered to ``destination`` before.

    Nothing new: no files, and the watermark stays where it was.
    """
    writer = adapter or CsvManifestV0()
    now = store.now()
    watermark = read_watermark(destination)
    candidates = _read(store, provider_id, unit_names or {}, after_id=watermark)
    rows = _settled_prefix(candidates, now)
    if not rows:
        return Delivery(None, (), watermark)
    batch = ExportBatch(
        name=f"{_prefix(writer)}-{rows[0].store_id:09d}",
        kind="incremental",
        rows=tuple(rows),
        period_start=min(row.submitted_at for row in rows),
        period_end=max(row.submitted_at for row in rows),
        created_at=now,
        provider_id=provider_id,
    )
    files = writer.write(batch, destination)
    return Delivery(batch, tuple(files), _record_delivery(destination, batch, writer))


def local_day_start(day: date) -> datetime:
    """The UTC instant a Europe/Helsinki calendar day starts."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def reexport(
    store: FeedbackStore,
    destination: Path,
    *,
    since: date,
    until: date,
    provider_id: str,
    unit_names: Mapping[str, str] | None = None,
    adapter: NationalExport | None = None,
) -> Delivery:
    """Write the responses submitted on the local days ``since``…``until`` (both included)
    again, as they are now, delivered before or not; the watermark does not move."""
    if until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    writer = adapter or CsvManifestV0()
    now = store.now()
    start, end = local_day_start(since), local_day_start(until + timedelta(days=1))
    found = _read(store, provider_id, unit_names or {}, start=start, end=end)
    rows = [stored.row for stored in found]
    batch = ExportBatch(
        name=(f"{_prefix(writer)}-reexport-{since:%Y%m%d}-{until:%Y%m%d}-{now:%Y%m%dT%H%M%SZ}"),
        kind="re-export",
        rows=tuple(rows),
        period_start=start,
        period_end=end,
        created_at=now,
        provider_id=provider_id,
    )
    files = writer.write(batch, destination)
    return Delivery(batch, tuple(files), read_watermark(destination))
