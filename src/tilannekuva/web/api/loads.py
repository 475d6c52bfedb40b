"""``/api/v1/loads``: the load history, so every number can be traced to its load.

Everyone sees when each load was made, from which extract and cutoff, and how many rows it
loaded, rejected and dropped. What the current load rejected, per file and reason code, is
for analysts only (viewer.py: the quarantine reasons are the analyst's to see); a reason
text may quote a rejected cell.
"""

from __future__ import annotations

from fastapi import APIRouter

from tilannekuva.web.api.context import CurrentSnapshot, DataRole
from tilannekuva.web.api.schemas import LoadOut, LoadsOut, QuarantineSummary

router = APIRouter()


@router.get(
    "/loads",
    response_model=LoadsOut,
    tags=["loads"],
    summary="Load history",
    description="Every load into the warehouse, newest first, with its extract id, cutoff "
    "and row counts; `is_current` marks the load all numbers come from. A signed-in analyst "
    "also gets the current load's rejected rows per file and reason code (`quarantine`); "
    "for everyone else `quarantine` is null.",
)
def list_loads(snapshot: CurrentSnapshot, role: DataRole) -> LoadsOut:
    quarantine = (
        [QuarantineSummary(**vars(q)) for q in snapshot.quarantine] if role == "analyst" else None
    )
    return LoadsOut(
        role=role,
        loads=[LoadOut(**vars(load)) for load in snapshot.loads],
        quarantine=quarantine,
    )
