"""The indicator catalogue (``/indicators``) and the explorer of one indicator
(``/indicators/{id}``), with its downloads (``/indicators/{id}/download.csv|xlsx|parquet``).

The explorer answers the analyst's questions of issue 3 on one page: the definition, version,
source and targets; the indicator over time for the county or for chosen units or
municipalities; the units of the latest period side by side against the target ("which
health station is furthest from the target last quarter"); a sentence that says it in words;
and the table behind it all, each row traced to its load. The page and its downloads build the
same :class:`~tilannekuva.web.exports.Table` from the same query, so a download is exactly
the table on screen, with the viewer's suppression.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Indicator, Unit
from tilannekuva.indicators.periods import COUNTY
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.scorecard import complete_months
from tilannekuva.web.explore import (
    MAX_SERIES,
    Exploration,
    ExploreQuery,
    choices,
    cutoff_day,
    explore,
)
from tilannekuva.web.explore_view import (
    bar_chart,
    explorer_table,
    line_chart,
    screen_rows,
    summary_sentences,
)
from tilannekuva.web.exports import DOWNLOAD_FORMATS, download_response
from tilannekuva.web.i18n import N_, Formatter
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.templating import render, request_locale, request_viewer, translator
from tilannekuva.web.values import format_target, format_value, indicator_name

router = APIRouter()

# The catalogue's sections, in the order a steering group reads them (product brief: care
# guarantee, assessment coverage, remote services, customer feedback, T3, staff, volumes).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Care guarantee"), ("care_guarantee_7d", "care_guarantee_legal")),
    (
        N_("Care-need assessments"),
        (
            "assessment_coverage",
            "assessment_coverage_doctor",
            "assessment_coverage_dentist",
            "orphan_assessments",
        ),
    ),
    (
        N_("Remote services, e-messages and calls"),
        ("remote_contact_share_20plus", "message_reply_1h", "call_same_day", "call_abandon_rate"),
    ),
    (
        N_("Customer feedback"),
        (
            "nps",
            "nps_promoters_pct",
            "nps_detractors_pct",
            "feedback_response_rate",
            *(f"statement_mean_s{i}" for i in range(1, 8)),
        ),
    ),
    (N_("Appointment availability (T3)"), ("t3_days", "t3_days_doctor", "t3_not_measurable")),
    (N_("Staff"), ("qwl_index",)),
    (N_("Volumes"), ("contacts_total", "contacts_remote", "contacts_in_person")),
)
UNIT_WORDS: dict[Unit, str] = {
    Unit.PERCENT: N_("percent"),
    Unit.NPS: N_("net promoter score (−100 to 100)"),
    Unit.MEAN: N_("mean (1 to 5)"),
    Unit.INDEX: N_("index (0 to 100)"),
    Unit.DAYS: N_("days (median)"),
    Unit.COUNT: N_("count"),
}
DIRECTION_WORDS = {
    "higher_better": N_("higher is better"),
    "lower_better": N_("lower is better"),
    "neutral": N_("neither higher nor lower is better"),
}
PERIOD_KIND_WORDS = {"month": N_("month"), "quarter": N_("quarter"), "year": N_("year")}
SCOPE_WORDS = {
    "county": N_("whole county"),
    "unit": N_("by unit"),
    "municipality": N_("by municipality"),
}


@dataclass(frozen=True)
class CatalogueEntry:
    """One indicator in the catalogue, with the county's latest complete month."""

    indicator: Indicator
    name: str
    unit: str
    latest: IndicatorRow | None
    latest_value: str


@router.get("/indicators", response_class=HTMLResponse, include_in_schema=False)
def catalogue(request: Request) -> HTMLResponse:
    snapshot: Snapshot = request.app.state.snapshots.current()
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    role = request_viewer(request).data_role
    cutoff = cutoff_day(snapshot)
    groups = []
    for title, ids in GROUPS:
        entries = []
        for indicator_id in ids:
            indicator = INDICATORS_BY_ID[indicator_id]
            county = {
                row.period: row
                for row in snapshot.rows(indicator_id, role=role)
                if row.unit_id == COUNTY
            }
            months = complete_months(list(county), cutoff)
            latest = county[months[-1]] if months else None
            value = format_value(fmt, indicator.unit, latest.value if latest else None, _)
            entries.append(
                CatalogueEntry(
                    indicator,
                    indicator_name(indicator, locale),
                    _(UNIT_WORDS[indicator.unit]),
                    latest,
                    value,
                )
            )
        groups.append((_(title), entries))
    return render(request, "indicators.html", {"groups": groups})


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse, include_in_schema=False)
def indicator_page(request: Request, indicator_id: str) -> HTMLResponse:
    indicator = _known(indicator_id)
    snapshot: Snapshot = request.app.state.snapshots.current()
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    role = request_viewer(request).data_role
    exploration = _explore(request, indicator_id, snapshot)
    table = explorer_table(exploration, snapshot, _, role=role)
    name = indicator_name(indicator, locale)
    lang = request.query_params.get("lang")
    query_string = urlencode(exploration.query.to_params() + ([("lang", lang)] if lang else []))
    context = {
        "indicator": indicator,
        "name": name,
        "exploration": exploration,
        "query": exploration.query,
        "unit_words": _(UNIT_WORDS[indicator.unit]),
        "direction_words": _(DIRECTION_WORDS[indicator.direction.value]),
        "targets": [
            (format_target(fmt, indicator, target, _), target) for target in indicator.targets
        ],
        "period_kinds": [(kind, _(word)) for kind, word in PERIOD_KIND_WORDS.items()],
        "scopes": [(scope, _(word)) for scope, word in SCOPE_WORDS.items()],
        "unit_choices": choices(snapshot, indicator_id, "unit", role=role, locale=locale),
        "municipality_choices": choices(
            snapshot, indicator_id, "municipality", role=role, locale=locale
        ),
        "table": table,
        "rows": screen_rows(table, exploration, fmt, _),
        "line_chart": line_chart(exploration, name, fmt, _),
        "bar_chart": bar_chart(exploration, name, fmt, _),
        "max_compared": MAX_SERIES - 1,  # lines besides the county's
        "too_many_series": len(exploration.query.selected) > MAX_SERIES - 1,
        "summary": summary_sentences(exploration, fmt, _),
        "downloads": [
            (fmt_, f"/indicators/{indicator_id}/download.{fmt_}?{query_string}")
            for fmt_ in DOWNLOAD_FORMATS
        ],
        "compare_href": _with_scope(exploration.query, "unit"),
        "lang_param": lang,
    }
    return render(request, "indicator.html", context)


@router.get("/indicators/{indicator_id}/download.{fmt}", include_in_schema=False)
def indicator_download(request: Request, indicator_id: str, fmt: str) -> Response:
    """The table on screen for the same query string, as CSV, Excel or Parquet."""
    _known(indicator_id)
    download_format = next((known for known in DOWNLOAD_FORMATS if known == fmt), None)
    if download_format is None:
        raise HTTPException(status_code=404, detail="unknown download format")
    snapshot: Snapshot = request.app.state.snapshots.current()
    _ = translator(request)
    exploration = _explore(request, indicator_id, snapshot)
    table = explorer_table(exploration, snapshot, _, role=request_viewer(request).data_role)
    query = exploration.query
    return download_response(
        table, download_format, f"{indicator_id}-{query.period_kind}-{query.scope}"
    )


def _known(indicator_id: str) -> Indicator:
    indicator = INDICATORS_BY_ID.get(indicator_id)
    if indicator is None:
        raise HTTPException(status_code=404, detail="unknown indicator")
    return indicator


def _explore(request: Request, indicator_id: str, snapshot: Snapshot) -> Exploration:
    query = ExploreQuery.from_params(indicator_id, request.query_params.multi_items())
    _ = translator(request)
    return explore(
        snapshot,
        query,
        role=request_viewer(request).data_role,
        locale=request_locale(request),
        county_name=_("Whole county"),
    )


def _with_scope(query: ExploreQuery, scope: str) -> str:
    """The same view with another scope (the "compare units" link of the county view)."""
    params = [(key, value) for key, value in query.to_params() if key != "scope"]
    return f"/indicators/{query.indicator_id}?{urlencode([('scope', scope), *params])}"
