"""The load history: every load of the warehouse, and what the current one rejected.

Every number on the site names its load (the page footer links here, to ``#load-<load_id>``),
so a reader can follow a number back to the extract it came from (issue 3: "follow a number
back to the load it came from"; "each load: when, extract id, cutoff, rows, quarantined rows
with reasons"). Times are shown on the Helsinki wall clock, as the county reads them. The
quarantine of the current load is shown per file and reason code; the example reason quotes
source values, so only analysts see it (``web.viewer``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tilannekuva.web.i18n import TIME_ZONE
from tilannekuva.web.quality_words import reason_code_words
from tilannekuva.web.snapshot import QuarantineReason, Snapshot
from tilannekuva.web.templating import render, translator

router = APIRouter()

HELSINKI = ZoneInfo(TIME_ZONE)


def local_time(moment: datetime | None) -> datetime | None:
    """A naive UTC instant of the ``loads`` table as Helsinki wall-clock time (naive)."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(HELSINKI).replace(tzinfo=None)


@dataclass(frozen=True)
class FileQuarantine:
    """The current load's rejected rows of one file, by reason code."""

    file: str
    rows: int
    reasons: list[QuarantineReason]


def quarantine_by_file(reasons: tuple[QuarantineReason, ...]) -> list[FileQuarantine]:
    """Files with rejected rows, most rows first; reasons keep the snapshot's order."""
    grouped: dict[str, list[QuarantineReason]] = defaultdict(list)
    for reason in reasons:
        grouped[reason.file].append(reason)
    files = [FileQuarantine(f, sum(r.rows for r in rs), rs) for f, rs in grouped.items()]
    return sorted(files, key=lambda f: (-f.rows, f.file))


@router.get("/loads", response_class=HTMLResponse, include_in_schema=False)
def loads_page(request: Request) -> HTMLResponse:
    snapshot: Snapshot = request.app.state.snapshots.current()
    _ = translator(request)
    return render(
        request,
        "loads.html",
        {
            "loads": snapshot.loads,
            "local_time": local_time,
            "files": quarantine_by_file(snapshot.quarantine),
            "reason_words": {
                q.reason_code: reason_code_words(q.reason_code, _) for q in snapshot.quarantine
            },
        },
    )
