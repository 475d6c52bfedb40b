"""What every API route reads: the current snapshot and the caller's data role.

As FastAPI dependencies, so a route's signature says what it depends on and no route can
forget the role: the role comes only from the signed session (``request.state.viewer``),
never from a query parameter, so no URL can lift suppression.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tilannekuva.web.api.schemas import Role
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.viewer import Viewer


def current_snapshot(request: Request) -> Snapshot:
    """The snapshot of the warehouse's current load (never a query per request)."""
    snapshot: Snapshot = request.app.state.snapshots.current()
    return snapshot


def data_role(request: Request) -> Role:
    """``analyst`` for a signed-in analyst, ``public`` for everyone else (managers too)."""
    viewer: Viewer = request.state.viewer
    return "analyst" if viewer.data_role == "analyst" else "public"


CurrentSnapshot = Annotated[Snapshot, Depends(current_snapshot)]
DataRole = Annotated[Role, Depends(data_role)]
