"""The wall display ``/wall/{token}`` and its stream ``/wall/{token}/events``: the board of a
health station on a screen in the staff room, with no sign-in.

A display is made by an administrator (``tilannekuva board display add NAME --unit U``), who
gets its address once; the token in it names the display's units and theme
(``BoardStore.display_for_token``). The page is full screen with large type (readable at three
metres), needs no interaction, and keeps itself current (``static/board-live.js``): it shows
when its numbers were last confirmed, warns in words when no update came for a minute,
reconnects by itself and, after repeated failures, loads itself again once the server answers.

Decisions:

- An unknown or revoked token gets a 404 page of its own, in the display's large type, with
  no site navigation; an open stream notices a revocation within a minute and the page then
  shows that 404 page.
- The wall shows the same tiles as the desk view but no links: the lists behind the alerts
  show record ids and need a signed-in person.
- The language is the request's (``?lang=`` in the display's address, else the browser's);
  the theme is the display's.
- ``last_seen_at`` of the display is updated when the page loads and about once a minute
  while its stream is open, so an administrator can see a display that went dark.
- Every answer is ``no-store``, and the page sends no referrer (``<meta name="referrer">``):
  the token is in its address.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tilannekuva.board.store import DisplayInfo
from tilannekuva.board.view import BoardView
from tilannekuva.web.board_tiles import PAGE_VERSION, WALL, tiles_html, unit_names, words_for
from tilannekuva.web.pages.board import board_service, board_title, frame_context
from tilannekuva.web.templating import render, request_locale

if TYPE_CHECKING:
    from tilannekuva.web.board_service import BoardService

router = APIRouter()

HEADERS = {"Cache-Control": "no-store, private"}
TOUCH_SECONDS = 60.0


def events_href(token: str, locale: str) -> str:
    return f"/wall/{token}/events?lang={locale}&v={PAGE_VERSION}"


async def display_for(service: BoardService, token: str) -> DisplayInfo | None:
    """The display of a token (None: unknown or revoked), its last-seen time updated."""
    display = await anyio.to_thread.run_sync(service.store.display_for_token, token)
    if display is not None:
        await anyio.to_thread.run_sync(service.store.touch_display, display.name)
    return display


def missing(request: Request) -> HTMLResponse:
    response = render(request, "wall_missing.html", {}, status_code=404)
    response.headers.update(HEADERS)
    return response


@router.get("/wall/{token}", include_in_schema=False)
async def wall_page(request: Request, token: str) -> Response:
    service = board_service(request)
    display = await display_for(service, token)
    if display is None:
        return missing(request)
    units = display.unit_ids
    frame = await service.current_async(units)
    view = frame.view
    assert isinstance(view, BoardView)
    snapshot = request.app.state.snapshots.shown()
    names = unit_names(snapshot)
    locale = request_locale(request)
    words = words_for(locale, names, view.day)
    context = {
        "title": board_title(units, names, words._),
        "theme": display.theme,
        "tiles": await anyio.to_thread.run_sync(tiles_html, view, names, locale, WALL),
        "stream_url": events_href(token, locale),
        "stale_seconds": int(service.stale_seconds),
        **frame_context(frame, words),
    }
    response = render(request, "wall.html", context)
    response.headers.update(HEADERS)
    return response


@router.get("/wall/{token}/events", include_in_schema=False)
async def wall_events(request: Request, token: str) -> Response:
    service = board_service(request)
    display = await display_for(service, token)
    if display is None:
        return missing(request)
    touched = time.monotonic()

    async def still_valid() -> bool:
        """Checked by the stream about once a minute: a revoked display stops."""
        nonlocal touched
        found = await anyio.to_thread.run_sync(service.store.display_for_token, token)
        if found is None:
            return False
        if time.monotonic() - touched >= TOUCH_SECONDS:
            touched = time.monotonic()
            await anyio.to_thread.run_sync(service.store.touch_display, found.name)
        return True

    return service.stream(
        display.unit_ids,
        locale=request_locale(request),
        mode=WALL,
        page_version=request.query_params.get("v"),
        still_valid=still_valid,
    )
