"""What the explorer page shows of an :class:`~tilannekuva.web.explore.Exploration`: the
table (the same :class:`~tilannekuva.web.exports.Table` the downloads write), its cells in the
reader's language, the two charts and the sentences that say the answer in words.

Kept apart from the query (``explore.py``) and the routes (``pages/indicators.py``) so that
each can be read on its own: what is selected, how it is presented, where it is served.
Charts carry their numbers in the table and their gist in the summary (WCAG: a text
alternative for every chart; issue 3: "charts that carry their data table and a text
summary").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from markupsafe import Markup

from tilannekuva.indicators.catalogue import Direction, Unit
from tilannekuva.indicators.scorecard import Status, judge
from tilannekuva.web import charts
from tilannekuva.web.explore import Exploration, ExploreRow
from tilannekuva.web.exports import Table, TableColumn
from tilannekuva.web.i18n import N_, Formatter
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.values import format_target, format_value, status_words

Translate = Callable[[str], str]

SCOPE_HEADERS = {"county": N_("Area"), "unit": N_("Unit"), "municipality": N_("Municipality")}


@dataclass(frozen=True)
class Cell:
    """One table cell on screen: its text, whether it is a number (right-aligned), a link."""

    text: str
    numeric: bool = False
    href: str | None = None


@dataclass(frozen=True)
class ScreenRow:
    """A table row on screen: the scope name is the row header."""

    header: str
    cells: list[tuple[str, Cell]]  # (column key, cell), in column order, header left out


def explorer_table(
    exploration: Exploration, snapshot: Snapshot, _: Translate, *, role: str
) -> Table:
    """The explorer's table in machine values, with its provenance.

    The page renders it (:func:`screen_rows`) and the downloads write it, so both hold the
    same rows and columns.
    """
    query = exploration.query
    load = snapshot.load
    columns = [
        TableColumn("period", _("Period")),
        TableColumn("scope_code", _("Code")),
        TableColumn("scope_name", _(SCOPE_HEADERS[query.scope])),
        TableColumn("numerator", _("Numerator"), "number"),
        TableColumn("denominator", _("Denominator (n)"), "integer"),
        TableColumn("value", _("Value"), "number"),
        TableColumn("suppressed", _("Suppressed"), "boolean"),
        TableColumn("provisional", _("Provisional"), "boolean"),
        TableColumn("load_id", _("Load")),
    ]
    rows: list[dict[str, object]] = [
        {
            "period": r.row.period,
            "scope_code": r.row.unit_id,
            "scope_name": r.scope_name,
            "numerator": r.row.numerator,
            "denominator": r.row.denominator,
            "value": r.row.value,
            "suppressed": r.row.suppressed,
            "provisional": r.row.provisional,
            "load_id": load.load_id if load else "",
        }
        for r in exploration.rows
    ]
    indicator = exploration.indicator
    metadata = {
        "indicator_id": indicator.id,
        "definition_version": indicator.version,
        "load_id": load.load_id if load else "",
        "extract_id": load.extract_id if load else "",
        "cutoff_local": load.cutoff_local.isoformat() if load and load.cutoff_local else "",
        "role": role,
        "query": urlencode(query.to_params()),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    title = f"{indicator.id} {query.period_kind} {query.scope}"
    return Table(columns, rows, title, metadata)


def screen_rows(
    table: Table, exploration: Exploration, fmt: Formatter, _: Translate
) -> list[ScreenRow]:
    """The table's rows as the reader sees them: periods and numbers in the locale, booleans
    in words, a suppressed value as "suppressed (fewer than 5)", the load as a link."""
    unit = exploration.indicator.unit
    shown = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            if column.key != "scope_name":
                cells.append((column.key, _cell(column.key, row, unit, fmt, _)))
        shown.append(ScreenRow(str(row["scope_name"]), cells))
    return shown


def _cell(key: str, row: dict[str, object], unit: Unit, fmt: Formatter, _: Translate) -> Cell:
    value = row[key]
    if key == "period":
        return Cell(fmt.period(str(value)))
    if key == "scope_code":
        return Cell(str(value) or "–")
    if key == "value":
        if row["suppressed"]:
            return Cell(_("suppressed (fewer than 5)"), numeric=True)
        return Cell(format_value(fmt, unit, _number(value), _), numeric=True)
    if key == "numerator":
        return Cell(fmt.plain(_number(value)), numeric=True)
    if key == "denominator":
        return Cell(fmt.number(_number(value), 0), numeric=True)
    if key in ("suppressed", "provisional"):
        return Cell(_("yes") if value else _("no"))
    if key == "load_id":
        return Cell(str(value), href=f"/loads#load-{value}")
    return Cell(str(value))


def _number(value: object) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


# --- charts ---------------------------------------------------------------------------------


def y_range(unit: Unit) -> tuple[float | None, float | None]:
    """Axes that do not exaggerate: shares from 0 to 100, means on their 1–5 scale, counts
    and days from zero; NPS spans its data (−100…100 would flatten every change)."""
    ranges: dict[Unit, tuple[float | None, float | None]] = {
        Unit.PERCENT: (0.0, 100.0),
        Unit.MEAN: (1.0, 5.0),
        Unit.INDEX: (0.0, None),
        Unit.DAYS: (0.0, None),
        Unit.COUNT: (0.0, None),
    }
    return ranges.get(unit, (None, None))


def target_label(exploration: Exploration, fmt: Formatter, _: Translate) -> str:
    target = exploration.target
    if target is None:
        return ""
    text = format_target(fmt, exploration.indicator, target, _)
    return _("Target %(target)s") % {"target": text}


def line_chart(exploration: Exploration, name: str, fmt: Formatter, _: Translate) -> Markup | None:
    """The county and the selected units or municipalities over the periods in view."""
    if not exploration.in_view:
        return None
    names = {r.row.unit_id: r.scope_name for r in exploration.rows}
    values = {(r.row.unit_id, r.row.period): r.row.value for r in exploration.rows}
    series = [
        charts.Series(
            names.get(code, code),
            [
                charts.Point(fmt.short_period(period), _float(values.get((code, period))))
                for period in exploration.in_view
            ],
        )
        for code in exploration.series_codes()
    ]
    target = exploration.target
    y_min, y_max = y_range(exploration.indicator.unit)
    first, last = exploration.in_view[0], exploration.in_view[-1]
    description = _(
        "Lines: %(names)s, from %(first)s to %(last)s. Gaps are suppressed or missing "
        "values. Every value is in the table below."
    ) % {
        "names": ", ".join(s.name for s in series),
        "first": fmt.period(first),
        "last": fmt.period(last),
    }
    return charts.line_chart(
        series,
        title=_("%(name)s over time") % {"name": name},
        description=description,
        fmt=fmt,
        target=target.value if target else None,
        target_label=target_label(exploration, fmt, _),
        y_min=y_min,
        y_max=y_max,
    )


def bar_chart(exploration: Exploration, name: str, fmt: Formatter, _: Translate) -> Markup | None:
    """Units or municipalities of the latest period in view, furthest from good first."""
    compared = exploration.comparison()
    if not compared or exploration.latest is None:
        return None
    bars = [charts.Bar(r.scope_name, _float(r.row.value), _bar_note(r, _)) for r in compared]
    target = exploration.target
    return charts.bar_chart(
        bars,
        title=_("%(name)s in %(period)s")
        % {"name": name, "period": fmt.period(exploration.latest)},
        description=" ".join(summary_sentences(exploration, fmt, _)),
        fmt=fmt,
        target=target.value if target else None,
        target_label=target_label(exploration, fmt, _),
        value_text=lambda value: format_value(fmt, exploration.indicator.unit, value, _),
    )


def _bar_note(row: ExploreRow, _: Translate) -> str:
    if row.row.suppressed:
        return _("suppressed (fewer than 5)")
    if row.row.value is None:
        return _("no value")
    return _("provisional") if row.row.provisional else ""


# --- the answer in words --------------------------------------------------------------------


def summary_sentences(exploration: Exploration, fmt: Formatter, _: Translate) -> list[str]:
    """The latest period in words: the county value and n, the target and the status, and
    which unit or municipality is furthest from the target (or lowest and highest)."""
    period = exploration.latest
    if period is None:
        return [_("There are no values for the chosen periods.")]
    indicator = exploration.indicator
    county = exploration.county_row(period)
    label = fmt.period(period)
    sentences = []
    if county is None:
        sentences.append(_("%(period)s has no county value.") % {"period": label})
    elif county.suppressed:
        sentences.append(
            _("In %(period)s the county value is suppressed (fewer than 5).") % {"period": label}
        )
    else:
        value = format_value(fmt, indicator.unit, county.value, _)
        if county.denominator is not None:
            sentences.append(
                _("In %(period)s the county value was %(value)s (n = %(n)s).")
                % {"period": label, "value": value, "n": fmt.number(county.denominator, 0)}
            )
        else:
            sentences.append(
                _("In %(period)s the county value was %(value)s.")
                % {"period": label, "value": value}
            )
    if county is not None and county.provisional:
        sentences.append(_("The figure is provisional."))
    target = exploration.target
    if target is not None:
        status = judge(indicator, target, county)
        sentences.append(
            _("Target %(target)s: %(status)s.")
            % {
                "target": format_target(fmt, indicator, target, _),
                "status": status_words(status, _).lower(),
            }
        )
    sentences += _comparison_sentences(exploration, fmt, _)
    return sentences


def _comparison_sentences(exploration: Exploration, fmt: Formatter, _: Translate) -> list[str]:
    compared = exploration.comparison()
    if not compared:
        return []
    indicator = exploration.indicator
    valued = [r for r in compared if r.row.value is not None]
    sentences = []

    def named(row: ExploreRow) -> str:
        return f"{row.scope_name} {format_value(fmt, indicator.unit, row.row.value, _)}"

    target = exploration.target
    if valued and target is not None:
        met = sum(judge(indicator, target, r.row) is Status.MET for r in valued)
        if met == len(valued):
            sentences.append(
                _("All %(count)s with a value met the target; the weakest: %(name)s.")
                % {"count": met, "name": named(valued[0])}
            )
        else:
            sentences.append(
                _("%(met)s of %(count)s with a value met the target; furthest from it: %(name)s.")
                % {"met": met, "count": len(valued), "name": named(valued[0])}
            )
    elif valued and indicator.direction is not Direction.NEUTRAL:
        sentences.append(
            _("Weakest: %(weakest)s; best: %(best)s.")
            % {"weakest": named(valued[0]), "best": named(valued[-1])}
        )
    elif valued:
        low, high = valued[-1], valued[0]  # neutral: largest first
        sentences.append(
            _("Lowest: %(low)s; highest: %(high)s.") % {"low": named(low), "high": named(high)}
        )
    suppressed = sum(r.row.suppressed for r in compared)
    if suppressed:
        sentences.append(_("Suppressed (fewer than 5): %(count)s.") % {"count": suppressed})
    return sentences
