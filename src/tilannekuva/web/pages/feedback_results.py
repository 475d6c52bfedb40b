"""Live customer-feedback results: ``/feedback`` and ``/feedback/units/{unit_id}`` for staff,
``/embed/feedback`` for the county's website.

A unit manager sees this morning's answers as soon as they are stored (issue 4: "a response
shows up in the unit's live results within seconds"): the numbers come straight from the
feedback store (``feedback/results.py``), not from a load. The role rules are applied on the
server: outside the analyst role a cell of fewer than five answers is suppressed; the
analyst alone sees comments, and only as screened by ``feedback/screen.py``, and every page
that shows them is written to the audit trail before it is sent (as the record-id views of
``pages/units.py``). Staff pages need sign-in: a public visitor is sent to sign in.

``/embed/feedback`` is what the county publishes (issue 4: "results published in real time on
the county's website"): the county's NPS and the NPS of each unit with at least five scored
answers, always computed for the public role, never any free text. Like ``/embed/scorecard``
it may be framed by other sites (``middleware.py``).

Every response is ``Cache-Control: no-store``, so neither the page cache nor a browser keeps
yesterday's numbers; ``static/feedback-live.js`` refreshes the numbers in place every
half-minute when JavaScript is on (``?live=1``: the same page without the comments, so a
refresh neither shows nor audits them again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from tilannekuva.feedback.questionnaire import Questionnaire
from tilannekuva.feedback.results import (
    LAST_30_DAYS,
    THIS_MONTH,
    Comment,
    Figures,
    GroupResult,
    LiveResults,
    Window,
    live_results,
    recent_months,
    unit_comments,
    window_for,
)
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.indicators.catalogue import Unit
from tilannekuva.indicators.engine import SMALLEST_SHOWN
from tilannekuva.web import charts
from tilannekuva.web.audit import record_views
from tilannekuva.web.i18n import N_, TIME_ZONE, Formatter
from tilannekuva.web.service_areas import service_area_name, service_area_order
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.templating import render, request_locale, request_viewer, translator
from tilannekuva.web.values import Translate, format_value

router = APIRouter()

NO_STORE = {"Cache-Control": "no-store, private"}
DEFAULT_WINDOW = LAST_30_DAYS
EMBED_ROLE = "public"
VIEW_COMMENTS_ACTION = "view_feedback_comments"
REFRESH_SECONDS = 30
CHANNEL_NAMES = {
    "sms": N_("Text message"),
    "web_link": N_("Web link"),
    "kiosk": N_("Kiosk"),
    "email": N_("E-mail"),
}


# --- what a table row shows ----------------------------------------------------------------


@dataclass(frozen=True)
class FigureTexts:
    """One group's figures written for the reader; a hidden value is the word for it."""

    answers: str
    nps: str
    nps_n: str
    promoters: str
    detractors: str
    nps_value: float | None  # for the chart
    nps_note: str  # why there is no value


@dataclass(frozen=True)
class StatementLine:
    key: str
    text: str
    mean: str
    n: str
    value: float | None
    note: str


@dataclass(frozen=True)
class GroupLine:
    key: str
    name: str
    href: str | None
    service_area: str
    texts: FigureTexts
    channels: list[tuple[str, FigureTexts]]


def figure_texts(figures: Figures, fmt: Formatter, _: Translate) -> FigureTexts:
    hidden = _("suppressed (fewer than 5)")
    nps = figures.nps
    if nps.suppressed:
        nps_texts = (hidden, hidden, hidden, hidden)
    else:
        nps_texts = (
            format_value(fmt, Unit.NPS, nps.value, _),
            fmt.number(nps.n, 0),
            format_value(fmt, Unit.PERCENT, nps.promoters_pct, _),
            format_value(fmt, Unit.PERCENT, nps.detractors_pct, _),
        )
    note = hidden if nps.suppressed else ("" if nps.value is not None else _("no answers"))
    return FigureTexts(
        hidden if figures.answers_suppressed else fmt.number(figures.answers, 0),
        *nps_texts,
        nps_value=nps.value,
        nps_note=note,
    )


def statement_lines(
    figures: Figures,
    questionnaire: Questionnaire,
    asked: tuple[str, ...],
    locale: str,
    fmt: Formatter,
    _: Translate,
) -> list[StatementLine]:
    """The statements anyone answered in the window, in order s1…s7."""
    lines = []
    for mean in figures.statements:
        if mean.key not in asked:
            continue
        statement = questionnaire.national.get(mean.key)
        text = statement.text(locale) if statement is not None else mean.key
        if mean.suppressed:
            hidden = _("suppressed (fewer than 5)")
            lines.append(StatementLine(mean.key, text, hidden, hidden, None, hidden))
        else:
            lines.append(
                StatementLine(
                    mean.key,
                    text,
                    format_value(fmt, Unit.MEAN, mean.mean, _),
                    fmt.number(mean.n, 0),
                    mean.mean,
                    "" if mean.mean is not None else _("no answers"),
                )
            )
    return lines


def channel_name(channel: str, _: Translate) -> str:
    return _(CHANNEL_NAMES[channel]) if channel in CHANNEL_NAMES else channel


def channel_lines(
    group: GroupResult, fmt: Formatter, _: Translate
) -> list[tuple[str, FigureTexts]]:
    return [
        (channel_name(channel, _), figure_texts(figures, fmt, _))
        for channel, figures in group.channels
    ]


def unit_href(unit_id: str, window: Window) -> str:
    return "/feedback/units/" + quote(unit_id, safe="") + "?" + urlencode({"window": window.choice})


def unit_lines(
    results: LiveResults, snapshot: Snapshot, locale: str, fmt: Formatter, _: Translate
) -> list[GroupLine]:
    """Units by service area (extract-v1 order), then by name."""
    lines = []
    for group in results.units:
        unit = snapshot.unit(group.key)
        lines.append(
            GroupLine(
                group.key,
                unit.name if unit is not None else group.key,
                unit_href(group.key, results.window),
                service_area_name(group.service_area, locale) if group.service_area else "–",
                figure_texts(group.figures, fmt, _),
                channel_lines(group, fmt, _),
            )
        )
    order = {group.key: group.service_area for group in results.units}
    return sorted(lines, key=lambda line: (service_area_order(order[line.key]), line.name))


def area_lines(results: LiveResults, locale: str, fmt: Formatter, _: Translate) -> list[GroupLine]:
    return [
        GroupLine(
            group.key,
            service_area_name(group.key, locale) if group.key else _("Service area not known"),
            None,
            "",
            figure_texts(group.figures, fmt, _),
            [],
        )
        for group in sorted(results.service_areas, key=lambda g: service_area_order(g.key))
    ]


def nps_chart(lines: list[GroupLine], title: str, fmt: Formatter, _: Translate) -> Markup | None:
    """NPS of each line as bars, best first; suppressed ones listed without a bar."""
    if not lines:
        return None
    shown = sorted(
        lines, key=lambda line: (line.texts.nps_value is None, -(line.texts.nps_value or 0))
    )
    bars = [charts.Bar(line.name, line.texts.nps_value, line.texts.nps_note) for line in shown]
    valued = [line for line in shown if line.texts.nps_value is not None]
    if valued:
        best, worst = valued[0], valued[-1]
        description = _(
            "Highest NPS: %(best)s (%(best_value)s); lowest: %(worst)s (%(worst_value)s)."
        ) % {
            "best": best.name,
            "best_value": best.texts.nps,
            "worst": worst.name,
            "worst_value": worst.texts.nps,
        }
    else:
        description = _("No NPS can be shown for these groups.")
    return charts.bar_chart(
        bars,
        title=title,
        description=description,
        fmt=fmt,
        value_text=lambda value: format_value(fmt, Unit.NPS, value, _),
    )


# --- the window and the filters ------------------------------------------------------------


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback_store
    return store


def chosen_window(request: Request, default: str = DEFAULT_WINDOW) -> Window:
    """The window of ``?window=``; anything unreadable falls back to the default."""
    now = _store(request).now()
    try:
        return window_for(request.query_params.get("window") or default, now)
    except ValueError:
        return window_for(default, now)


def window_options(
    request: Request, window: Window, fmt: Formatter, _: Translate
) -> list[dict[str, Any]]:
    options = [(LAST_30_DAYS, _("Last 30 days")), (THIS_MONTH, _("This month"))]
    options += [(month, fmt.period(month)) for month in recent_months(_store(request).now())[1:]]
    return [
        {"value": value, "label": label, "selected": value == window.choice}
        for value, label in options
    ]


def window_words(window: Window, fmt: Formatter, _: Translate) -> str:
    if window.choice == LAST_30_DAYS:
        return _("the last 30 days")
    if window.choice == THIS_MONTH and window.month:
        return _("this month (%(month)s)") % {"month": fmt.period(window.month)}
    return fmt.period(window.month or window.choice)


def _live(request: Request) -> bool:
    return request.query_params.get("live") == "1"


def _signin_redirect(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/signin?" + urlencode({"next": here}), status_code=303)


def _base_context(request: Request, window: Window) -> dict[str, Any]:
    fmt = Formatter(request_locale(request))
    _ = translator(request)
    store = _store(request)
    return {
        "window": window,
        "window_words": window_words(window, fmt, _),
        "window_options": window_options(request, window, fmt, _),
        "updated": fmt.datetime(store.now().astimezone(_zone())),
        "refresh_seconds": REFRESH_SECONDS,
        "smallest_shown": SMALLEST_SHOWN,
    }


def _zone() -> ZoneInfo:
    return ZoneInfo(TIME_ZONE)


# --- pages ---------------------------------------------------------------------------------


@router.get("/feedback", include_in_schema=False)
async def feedback_results(request: Request) -> Response:
    viewer = request_viewer(request)
    if not viewer.signed_in:
        return _signin_redirect(request)
    window = chosen_window(request)
    results = await run_in_threadpool(live_results, _store(request), window, viewer.data_role)
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    snapshot: Snapshot = request.app.state.snapshots.current()
    questionnaire: Questionnaire = request.app.state.questionnaire
    units = unit_lines(results, snapshot, locale, fmt, _)
    chosen_unit = request.query_params.get("unit") or ""
    shown_units = [line for line in units if line.key == chosen_unit] if chosen_unit else units
    county = results.county
    context = {
        **_base_context(request, window),
        "county": figure_texts(county.figures, fmt, _),
        "county_channels": channel_lines(county, fmt, _),
        "statements": statement_lines(
            county.figures, questionnaire, results.statements_asked, locale, fmt, _
        ),
        "areas": area_lines(results, locale, fmt, _),
        "units": shown_units,
        "unit_choices": units,
        "chosen_unit": chosen_unit,
        "chosen_unit_missing": bool(chosen_unit) and not shown_units,
        "chart": nps_chart(
            shown_units,
            _("NPS by unit, %(window)s") % {"window": window_words(window, fmt, _)},
            fmt,
            _,
        ),
    }
    response = render(request, "feedback_results.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/feedback/units/{unit_id}", include_in_schema=False)
async def feedback_unit(request: Request, unit_id: str) -> Response:
    viewer = request_viewer(request)
    if not viewer.signed_in:
        return _signin_redirect(request)
    snapshot: Snapshot = request.app.state.snapshots.current()
    unit = snapshot.unit(unit_id)
    if unit is None:
        raise HTTPException(status_code=404, detail="unknown unit")
    window = chosen_window(request)
    store = _store(request)
    role = viewer.data_role
    results = await run_in_threadpool(live_results, store, window, role, unit_id)
    comments: tuple[Comment, ...] = ()
    if viewer.is_analyst and not _live(request):
        comments = await run_in_threadpool(unit_comments, store, unit_id, window, role)
        if comments:  # written to the trail before any comment leaves the server
            await run_in_threadpool(
                lambda: record_views(
                    request,
                    action=VIEW_COMMENTS_ACTION,
                    subject=unit_id,
                    details=[
                        f"{window.choice}: {len(comments)} screened comments: "
                        + " ".join(comment.response_id for comment in comments)
                    ],
                )
            )
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    questionnaire: Questionnaire = request.app.state.questionnaire
    total = results.county
    context = {
        **_base_context(request, window),
        "unit": unit,
        "service_area": service_area_name(unit.service_area, locale),
        "figures": figure_texts(total.figures, fmt, _),
        "channels": channel_lines(total, fmt, _),
        "statements": statement_lines(
            total.figures, questionnaire, results.statements_asked, locale, fmt, _
        ),
        "comments": comments,
        "comment_channel": lambda channel: channel_name(channel, _),
        "comment_time": lambda comment: fmt.datetime(comment.submitted_at.astimezone(_zone())),
        "live": _live(request),
    }
    response = render(request, "feedback_unit.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/embed/feedback", response_class=HTMLResponse, include_in_schema=False)
async def embedded_feedback(request: Request) -> HTMLResponse:
    window = chosen_window(request)
    results = await run_in_threadpool(live_results, _store(request), window, EMBED_ROLE)
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    snapshot: Snapshot = request.app.state.snapshots.current()
    published = [
        line
        for line in unit_lines(results, snapshot, locale, fmt, _)
        if line.texts.nps_value is not None
    ]
    context = {
        **_base_context(request, window),
        "county": figure_texts(results.county.figures, fmt, _),
        "units": published,
        "chart": nps_chart(
            published,
            _("NPS by unit, %(window)s") % {"window": window_words(window, fmt, _)},
            fmt,
            _,
        ),
    }
    response = render(request, "embed_feedback.html", context, embed=True)
    response.headers.update(NO_STORE)
    return response
