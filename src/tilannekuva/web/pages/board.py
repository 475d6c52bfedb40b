"""The live control board for staff: ``/board`` (choose units or a health station),
``/board/units/{unit_id}``, its stream ``/board/events``, and the lists behind its alerts.

A unit manager keeps the board open on the desk during the day (issue 5: today's demand by
channel against the usual level, e-messages past the one-hour promise, the phone queue,
assessments nearing the legal limit, T3 and free slots, remote share, feedback and the staff
pulse, last month's care guarantee for context). The board arrives rendered
(``board_tiles.py``), so it works without JavaScript; ``static/board-live.js`` then swaps in
new tiles as the server pushes them (``board_service.py``).

Decisions:

- Every desk page needs sign-in (staff work with them; the lists show record ids); the
  stream answers 401 without it, and the page's script then loads the page, which asks the
  person to sign in again.
- The lists behind the alerts show record ids (never person ids), so each list is written to
  the audit trail before it is sent, as the unit page's record ids are (``pages/units.py``);
  a list without rows shows no id and writes nothing. No board page is cached.
- A group is a health station: its service units (the units whose parent it is). Units not
  in the current load are left out of a chosen set; when none is left the chooser says so
  (404).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tilannekuva.board.lists import LIST_KINDS, ListItem
from tilannekuva.board.view import BoardView
from tilannekuva.web.audit import record_views
from tilannekuva.web.board_tiles import (
    DESK,
    HELSINKI,
    PAGE_VERSION,
    Words,
    tiles_html,
    unit_names,
    words_for,
)
from tilannekuva.web.i18n import N_
from tilannekuva.web.pages.units import group_units
from tilannekuva.web.service_areas import service_area_name
from tilannekuva.web.snapshot import Snapshot, UnitInfo
from tilannekuva.web.templating import render, request_locale, request_viewer
from tilannekuva.web.values import Translate

if TYPE_CHECKING:
    from tilannekuva.web.board_service import BoardService, Frame

router = APIRouter()

NO_STORE = {"Cache-Control": "no-store, private"}
LIST_ACTION = "view_board_list"
MESSAGE_CHANNEL_WORDS = {
    "portal": N_("Patient portal"),
    "chat": N_("Chat"),
    "form": N_("Web form"),
}
LIST_TITLES = {
    "messages_over_promise": N_("E-messages past the one-hour promise"),
    "messages_waiting": N_("E-messages waiting for an answer"),
    "assessments_near_limit": N_("Assessments near the legal limit"),
    "assessments_open": N_("Assessments waiting for a visit"),
    "callbacks_pending": N_("Call-backs promised and not yet made"),
    "calls_waiting": N_("Calls waiting too long"),
    "calls_abandoned": N_("Abandoned calls of today, not called back"),
}


def board_href(unit_ids: Sequence[str]) -> str:
    if len(unit_ids) == 1:
        return "/board/units/" + quote(unit_ids[0], safe="")
    return "/board?" + urlencode([("unit", unit_id) for unit_id in unit_ids])


def events_href(unit_ids: Sequence[str], locale: str, version: str) -> str:
    query = [("unit", unit_id) for unit_id in unit_ids] + [("lang", locale), ("v", version)]
    return "/board/events?" + urlencode(query)


def board_service(request: Request) -> BoardService:
    service: BoardService = request.app.state.board
    return service


def _snapshot(request: Request) -> Snapshot:
    snapshot: Snapshot = request.app.state.snapshots.current()
    return snapshot


def _signin_redirect(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/signin?" + urlencode({"next": here}), status_code=303)


def chosen_units(request: Request, snapshot: Snapshot) -> tuple[str, ...]:
    """``?unit=`` (repeatable, or comma-separated) and ``?group=`` (a health station's
    service units): the units of the current load among them, in the order given."""
    wanted = [v for value in request.query_params.getlist("unit") for v in value.split(",")]
    group = request.query_params.get("group")
    if group:
        children = sorted(
            (u for u in snapshot.units if u.parent_id == group), key=lambda u: (u.name, u.unit_id)
        )
        wanted += [u.unit_id for u in children] or [group]
    known = {unit.unit_id for unit in snapshot.units}
    return tuple(dict.fromkeys(u.strip() for u in wanted if u.strip() in known))


def stations(snapshot: Snapshot) -> list[tuple[UnitInfo, list[UnitInfo]]]:
    """Health stations (units with service units under them) and their units, by name."""
    children: dict[str, list[UnitInfo]] = {}
    for unit in snapshot.units:
        if unit.parent_id:
            children.setdefault(unit.parent_id, []).append(unit)
    found = [
        (parent, sorted(children[parent.unit_id], key=lambda u: (u.name, u.unit_id)))
        for parent in snapshot.units
        if parent.unit_id in children
    ]
    return sorted(found, key=lambda pair: (pair[0].name, pair[0].unit_id))


def board_title(units: Sequence[str], names: dict[str, str], _: Translate) -> str:
    if len(units) == 1:
        return names.get(units[0], units[0])
    return _("%(count)s units") % {"count": len(units)}


def frame_context(frame: Frame, words: Words) -> dict[str, Any]:
    """What a board page says about its numbers' time (the desk view and the wall alike)."""
    moment = frame.computed_at.astimezone(HELSINKI)
    return {
        "updated_clock": words.clock(moment),
        "updated_at": frame.computed_at.isoformat(),
    }


def desk_page(request: Request, units: tuple[str, ...]) -> HTMLResponse:
    """The board of ``units`` as it is now, kept current by the page's script."""
    service = board_service(request)
    frame = service.current(units)
    view = frame.view
    assert isinstance(view, BoardView)
    names = unit_names(_snapshot(request))
    locale = request_locale(request)
    words = words_for(locale, names, view.day)
    context = {
        "title": board_title(units, names, words._),
        "units": [(unit_id, names.get(unit_id, unit_id)) for unit_id in units],
        "unit_href": lambda unit_id: board_href((unit_id,)),
        "tiles": tiles_html(view, names, locale, DESK),
        "stream_url": events_href(units, locale, PAGE_VERSION),
        "stale_seconds": int(service.stale_seconds),
        **frame_context(frame, words),
    }
    response = render(request, "board.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/board", include_in_schema=False)
def board_page(request: Request) -> Response:
    if not request_viewer(request).signed_in:
        return _signin_redirect(request)
    snapshot = _snapshot(request)
    units = chosen_units(request, snapshot)
    if units:
        return desk_page(request, units)
    asked = bool(request.query_params.getlist("unit") or request.query_params.get("group"))
    context: dict[str, Any] = {
        "groups": group_units(snapshot.units, request_locale(request)),
        "stations": stations(snapshot),
        "unknown": asked,
    }
    response = render(request, "board_choose.html", context, status_code=404 if asked else 200)
    response.headers.update(NO_STORE)
    return response


@router.get("/board/units/{unit_id}", include_in_schema=False)
def unit_board_page(request: Request, unit_id: str) -> Response:
    if not request_viewer(request).signed_in:
        return _signin_redirect(request)
    if _snapshot(request).unit(unit_id) is None:
        raise HTTPException(status_code=404, detail="unknown unit")
    return desk_page(request, (unit_id,))


@router.get("/board/events", include_in_schema=False)
async def board_events(request: Request) -> Response:
    """The desk view's stream, behind the session (EventSource sends the cookie)."""
    if not request_viewer(request).signed_in:
        raise HTTPException(status_code=401, detail="sign in to follow the board")
    snapshot = request.app.state.snapshots.shown()
    units = chosen_units(request, snapshot) if snapshot is not None else ()
    if not units:
        raise HTTPException(status_code=404, detail="no known units")
    return board_service(request).stream(
        units,
        locale=request_locale(request),
        mode=DESK,
        page_version=request.query_params.get("v"),
    )


# --- the lists behind the alerts -------------------------------------------------------------


@dataclass(frozen=True)
class ListLine:
    record_id: str
    unit: str
    at: str
    waited: str
    extra: tuple[str, ...]


def list_columns(kind: str, _: Translate) -> tuple[str, ...]:
    """The kind's own columns after id, unit, time and wait."""
    if kind.startswith("messages"):
        return (_("Office time waited"), _("Channel"))
    if kind.startswith("assessments"):
        return (_("Legal limit"), _("Days left"), _("Service area"))
    return ()


def message_channel(code: str | None, _: Translate) -> str:
    if code is None:
        return "–"
    return _(MESSAGE_CHANNEL_WORDS[code]) if code in MESSAGE_CHANNEL_WORDS else code


def list_lines(rows: Sequence[ListItem], words: Words) -> list[ListLine]:
    lines = []
    for row in rows:
        extra: tuple[str, ...] = ()
        if row.kind.startswith("messages"):
            extra = (words.duration(row.office_seconds), message_channel(row.detail, words._))
        elif row.kind.startswith("assessments"):
            extra = (
                words.date(row.legal_maximum),
                words.days_left(row.days_left),
                service_area_name(row.detail, words.locale) if row.detail else "–",
            )
        lines.append(
            ListLine(
                row.record_id,
                words.unit_name(row.unit_id),
                words.time(row.at),
                words.duration(row.waited_seconds),
                extra,
            )
        )
    return lines


def list_page(request: Request, kind: str, units: tuple[str, ...]) -> Response:
    """One list behind an alert, for signed-in staff; the ids shown are audited first."""
    if not request_viewer(request).signed_in:
        return _signin_redirect(request)
    if kind not in LIST_KINDS or not units:
        raise HTTPException(status_code=404, detail="unknown list")
    service = board_service(request)
    now = service.clock()
    rows = service.list_rows(kind, units, now)
    if rows:  # written to the trail before any id leaves the server
        record_views(
            request,
            action=LIST_ACTION,
            subject=",".join(units),
            details=[f"{kind}: {len(rows)} ids: " + " ".join(row.record_id for row in rows)],
        )
    names = unit_names(_snapshot(request))
    local_now = now.astimezone(HELSINKI)
    words = words_for(request_locale(request), names, local_now.date())
    _ = words._
    context = {
        "title": _(LIST_TITLES[kind]),
        "kind": kind,
        "board_title": board_title(units, names, _),
        "back_href": board_href(units),
        "columns": list_columns(kind, _),
        "lines": list_lines(rows, words),
        "several_units": len(units) > 1,
        "listed_at": words.clock(local_now),
    }
    response = render(request, "board_list.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/board/units/{unit_id}/lists/{kind}", include_in_schema=False)
def unit_list_page(request: Request, unit_id: str, kind: str) -> Response:
    if request_viewer(request).signed_in and _snapshot(request).unit(unit_id) is None:
        raise HTTPException(status_code=404, detail="unknown unit")
    return list_page(request, kind, (unit_id,))


@router.get("/board/lists/{kind}", include_in_schema=False)
def units_list_page(request: Request, kind: str) -> Response:
    return list_page(request, kind, chosen_units(request, _snapshot(request)))
