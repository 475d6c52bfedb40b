"""The front page: the county scorecard a steering group reads at a glance.

For each key indicator (``indicators.scorecard.KEY_INDICATORS``: the RRF and care-guarantee
indicators, remote share, NPS, T3, QWL, ...) it shows the latest complete month, quarter and
year for the whole county, the target in force with its deadline, the status in words for the
latest complete quarter, whether the figure is provisional, and the trend over the last 12
complete months as a small chart with its table. Numbers follow the viewer's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tilannekuva.indicators.periods import COUNTY
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.scorecard import (
    KEY_INDICATORS,
    ScoreLine,
    complete_months,
    score_lines,
)
from tilannekuva.web import charts
from tilannekuva.web.i18n import Formatter
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.templating import render, request_locale, request_viewer, translator
from tilannekuva.web.values import (
    STATUS_CLASSES,
    format_target,
    format_value,
    indicator_name,
    status_words,
)

router = APIRouter()

TREND_MONTHS = 12


@dataclass(frozen=True)
class Card:
    """One indicator on the front page, everything already in the reader's language."""

    indicator_id: str
    name: str
    line: ScoreLine
    month: IndicatorRow | None
    month_value: str
    quarter_value: str
    year_value: str
    target: str
    status: str
    status_class: str
    trend: list[tuple[str, str, IndicatorRow]]  # period label, value text, row
    trend_chart: Any


def build_cards(snapshot: Snapshot, role: str, fmt: Formatter, locale: str, _: Any) -> list[Card]:
    """The scorecard lines of the current load for a role, ready for the template."""
    county_rows = [
        row
        for indicator_id in KEY_INDICATORS
        for row in snapshot.rows(indicator_id, role=role)
        if row.unit_id == COUNTY
    ]
    cutoff_day = (
        snapshot.load.cutoff_local.date() if snapshot.load and snapshot.load.cutoff_local else None
    )
    _quarter, _year, lines = score_lines(county_rows, cutoff_day)
    cards = []
    for line in lines:
        ind = line.indicator
        by_period = {row.period: row for row in county_rows if row.indicator_id == ind.id}
        months = complete_months(list(by_period), cutoff_day)[-TREND_MONTHS:]
        trend = [
            (
                fmt.period(month),
                format_value(fmt, ind.unit, by_period[month].value, _),
                by_period[month],
            )
            for month in months
        ]
        latest = by_period[months[-1]] if months else None
        name = indicator_name(ind, locale)
        chart = charts.sparkline(
            [
                charts.Point(fmt.short_period(month), _float(by_period[month].value))
                for month in months
            ],
            title=_("%(name)s, last %(count)s months") % {"name": name, "count": len(months)},
            description=_trend_sentence(trend, _),
            fmt=fmt,
        )
        cards.append(
            Card(
                indicator_id=ind.id,
                name=name,
                line=line,
                month=latest,
                month_value=format_value(fmt, ind.unit, latest.value if latest else None, _),
                quarter_value=format_value(
                    fmt, ind.unit, line.quarter.value if line.quarter else None, _
                ),
                year_value=format_value(fmt, ind.unit, line.year.value if line.year else None, _),
                target=format_target(fmt, ind, line.target, _),
                status=status_words(line.status, _),
                status_class=STATUS_CLASSES[line.status],
                trend=trend,
                trend_chart=chart,
            )
        )
    return cards


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _trend_sentence(trend: list[tuple[str, str, IndicatorRow]], _: Any) -> str:
    """A one-line text summary of the trend, for screen readers and the chart's description."""
    shown = [(label, text) for label, text, row in trend if row.value is not None]
    if not shown:
        return _("No values to show.")
    first_label, first_text = shown[0]
    last_label, last_text = shown[-1]
    return _("From %(first_period)s (%(first)s) to %(last_period)s (%(last)s).") % {
        "first_period": first_label,
        "first": first_text,
        "last_period": last_label,
        "last": last_text,
    }


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def scorecard(request: Request) -> HTMLResponse:
    snapshot = request.app.state.snapshots.current()
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    cards = build_cards(snapshot, request_viewer(request).data_role, fmt, locale, _)
    quarter = next((card.line.judged for card in cards if card.line.quarter), None)
    return render(request, "scorecard.html", {"cards": cards, "quarter": quarter})
