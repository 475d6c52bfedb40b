"""Requests wait for the first snapshot, except the ones that store feedback answers.

A worker that starts (or restarts after a crash) builds the county's numbers before it can
show a page, which takes seconds. Feedback answers need no numbers: an SMS reply or a posted
form only has to be stored before it is acknowledged. So the server accepts connections at
once, builds the first snapshot in a background thread (``SnapshotStore.start_building``),
lets the answer routes through, and holds every other request until the numbers exist.

Decisions:

- The routes let through are the writes that store and compute nothing: ``POST /f/{token}``
  (the web form), ``POST /api/v1/sms/...`` (replies and delivery receipts) and
  ``POST /api/v1/board/events`` (the control board's live events). Their pages that name the
  unit (a form shown again with an error) leave the name out while the numbers are built
  rather than wait for them. The packaged files under ``/static/`` never wait either.
- A held request waits in a worker thread, never on the event loop, so the answers keep
  flowing while pages wait.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from tilannekuva.web.snapshot import SnapshotStore

ANSWER_PREFIXES = ("/f/", "/api/v1/sms/", "/api/v1/board/events")
STATIC_PREFIX = "/static/"  # the style sheets and scripts a reconnecting screen asks for


def needs_no_numbers(scope: Scope) -> bool:
    """Whether the request only stores (an answer, an event) or fetches a packaged file, and
    so need not wait for the numbers."""
    path = scope["path"]
    if path.startswith(STATIC_PREFIX):
        return True
    return scope.get("method") == "POST" and path.startswith(ANSWER_PREFIXES)


class FirstSnapshotGate:
    """Plain ASGI middleware (see ``middleware``): holds requests until the first snapshot."""

    def __init__(self, app: ASGIApp, *, snapshots: SnapshotStore) -> None:
        self.app = app
        self.snapshots = snapshots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.snapshots.built and not needs_no_numbers(scope):
            await anyio.to_thread.run_sync(self.snapshots.current)
        await self.app(scope, receive, send)
