"""``tilannekuva demo``: the whole pipeline on a synthetic county, on one machine, no servers.

The product brief promises that ``tilannekuva demo`` runs everything with DuckDB and a
synthetic county. The command generates the county's extract (extract-v1) into the data
folder, loads it into the warehouse there, counts the data-quality findings, computes every
indicator (indicators-v1) and prints a scorecard of the key indicators against their targets
for the latest complete quarter and year, so a newcomer sees in one screen what Tilannekuva
is for. Status is said in words, not only in colour (WCAG 2.1: colour is never the only cue).

The demo always uses ``<data dir>/tilannekuva.duckdb`` as its warehouse, never a warehouse
configured elsewhere with ``TILANNEKUVA_WAREHOUSE``: loading replaces a warehouse's current
data, and synthetic data must not replace a real load.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tilannekuva.indicators import IndicatorRow, compute_indicators
from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Direction, Indicator, Target, Unit
from tilannekuva.indicators.periods import COUNTY, period_last_day
from tilannekuva.ingest import ExtractUnreadable, LoadResult, load_extract
from tilannekuva.quality import QualityReport, build_report
from tilannekuva.settings import WAREHOUSE_FILE_NAME, ConfigurationError, get_settings
from tilannekuva.synth import DEFAULT_PERSONS, generate_extract

FAILURE_EXIT = 2
log = logging.getLogger(__name__)

# The indicators a steering group follows (product brief: care guarantee, remote-service
# share, customer experience, access by phone and message, T3, staff wellbeing).
KEY_INDICATORS: tuple[str, ...] = (
    "care_guarantee_7d",
    "care_guarantee_legal",
    "assessment_coverage_doctor",
    "assessment_coverage_dentist",
    "orphan_assessments",
    "remote_contact_share_20plus",
    "nps",
    "feedback_response_rate",
    "message_reply_1h",
    "call_same_day",
    "t3_days",
    "qwl_index",
)

TARGET_MET = "target met"
NO_TARGET = "no target"
NO_DATA = "no data"
PROVISIONAL_MARK = "*"
PROVISIONAL_NOTE = (
    "* provisional: the period ended fewer than 90 days before the cutoff, so the value may "
    "still change (indicators-v1, orphan_assessments)"
)
STATUS_STYLES = {NO_TARGET: "dim", NO_DATA: "dim"}


@dataclass(frozen=True)
class ScoreLine:
    """One scorecard line: an indicator's county values and how they stand to the target."""

    indicator: Indicator
    quarter: IndicatorRow | None
    year: IndicatorRow | None
    target: Target | None
    status: str


def extract_folder(data_dir: Path, persons: int, seed: int) -> Path:
    """One folder per persons × seed, so a finished extract can be reused as it is."""
    return data_dir / f"synthetic-county-p{persons}-s{seed}"


def ensure_extract(folder: Path, persons: int, seed: int, *, fresh: bool, say: Progress) -> bool:
    """Generate the extract unless a finished one is already there; True when generated.

    Generation writes into a sibling ``.partial`` folder that is renamed when complete, so an
    interrupted run never leaves a half-written extract that a later run would reuse.
    """
    if folder.is_dir() and not fresh:
        log.info("reusing the synthetic extract in %s", folder)
        return False
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    task = say.add_task("generating the synthetic county (persons)", total=persons)
    generate_extract(
        partial,
        persons=persons,
        seed=seed,
        progress=lambda done, total: say.update(task, completed=done, total=total),
    )
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    log.info("generated a synthetic county of %d persons (seed %d) in %s", persons, seed, folder)
    return True


def _is_quarter(period: str) -> bool:
    return len(period) == 7 and period[5] == "Q"


def _is_year(period: str) -> bool:
    return len(period) == 4


def latest_complete(
    periods: Sequence[str], cutoff_day: date | None, *, quarter: bool
) -> str | None:
    """The latest quarter (``YYYY-Qn``) or year (``YYYY``) whose last day is before the cutoff's
    local date; without a cutoff, the latest one present."""
    kind = _is_quarter if quarter else _is_year
    wanted = [
        p for p in periods if kind(p) and (cutoff_day is None or period_last_day(p) < cutoff_day)
    ]
    return max(wanted, key=period_last_day, default=None)


def target_in_force(indicator: Indicator, period: str | None) -> Target | None:
    """The first target whose deadline is not before the period; past every deadline, the last.

    ``care_guarantee_7d`` has an interim 66 % by 2024-Q2 and 80 % by 2025-Q4 (indicators-v1):
    a 2024-Q1 value is judged against 66 %, a 2025-Q1 value against 80 %.
    """
    if not indicator.targets:
        return None
    ordered = sorted(
        indicator.targets,
        key=lambda t: (t.deadline is None, period_last_day(t.deadline) if t.deadline else date.max),
    )
    if period is None:
        return ordered[-1]
    last_day = period_last_day(period)
    for target in ordered:
        if target.deadline is None or period_last_day(target.deadline) >= last_day:
            return target
    return ordered[-1]


def judge(indicator: Indicator, target: Target | None, row: IndicatorRow | None) -> str:
    """Status in words: target met, below/above target, no target, no data."""
    if target is None:
        return NO_TARGET
    if row is None or row.value is None:
        return NO_DATA
    if indicator.direction is Direction.LOWER_BETTER:
        return TARGET_MET if row.value <= target.value else "above target"
    return TARGET_MET if row.value >= target.value else "below target"


def score_lines(
    rows: Sequence[IndicatorRow], cutoff_day: date | None
) -> tuple[str | None, str | None, list[ScoreLine]]:
    """The latest complete quarter and year, and one line per key indicator."""
    county = {(r.indicator_id, r.period): r for r in rows if r.unit_id == COUNTY}
    periods = sorted({period for _, period in county})
    quarter = latest_complete(periods, cutoff_day, quarter=True)
    year = latest_complete(periods, cutoff_day, quarter=False)
    lines = []
    for indicator_id in KEY_INDICATORS:
        indicator = INDICATORS_BY_ID[indicator_id]
        q_row = county.get((indicator_id, quarter)) if quarter else None
        y_row = county.get((indicator_id, year)) if year else None
        if q_row is not None or y_row is None:
            target = target_in_force(indicator, quarter)
            status = judge(indicator, target, q_row)
        else:  # no value for the quarter: judge the year, and say so
            target = target_in_force(indicator, year)
            status = judge(indicator, target, y_row)
            status += " (year)" if status not in (NO_TARGET, NO_DATA) else ""
        lines.append(ScoreLine(indicator, q_row, y_row, target, status))
    return quarter, year, lines


def format_value(unit: Unit, value: float) -> str:
    """A value in its unit of measure, as a person reads it."""
    if unit is Unit.PERCENT:
        return f"{value:.1f} %"
    if unit is Unit.NPS:
        return f"{value:+.0f}"
    if unit is Unit.DAYS:
        return f"{value:g} days"
    if unit is Unit.COUNT:
        return f"{value:.0f}"
    return f"{value:.1f}"


def value_cell(indicator: Indicator, row: IndicatorRow | None) -> Text:
    if row is None or row.value is None:
        return Text(NO_DATA, style="dim")
    text = Text(format_value(indicator.unit, float(row.value)))
    if row.provisional:
        text.append(PROVISIONAL_MARK)
    if row.denominator is not None:
        text.append(f"\nn={row.denominator:g}", style="dim")
    return text


def target_cell(indicator: Indicator, target: Target | None) -> str:
    if target is None:
        return "—"
    sign = "≤" if indicator.direction is Direction.LOWER_BETTER else "≥"
    by = f"\nby {target.deadline}" if target.deadline else ""
    return f"{sign} {format_value(indicator.unit, target.value)}{by}"


def _status_style(status: str) -> str:
    if status.startswith(TARGET_MET):
        return "green"
    return STATUS_STYLES.get(status, "bold red")


def scorecard_table(quarter: str | None, year: str | None, lines: Sequence[ScoreLine]) -> Table:
    """The scorecard as a Rich table: county values, target in force, status in words."""
    table = Table(
        title="County indicators against their targets",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption_justify="left",
    )
    table.add_column("indicator", min_width=max(len(line.indicator.id) for line in lines))
    table.add_column(f"quarter\n{quarter or '—'}", justify="right")
    table.add_column(f"year\n{year or '—'}", justify="right")
    table.add_column("target")
    table.add_column(f"status\n{quarter or ''}".strip(), min_width=len("below target"))
    for line in lines:
        ind = line.indicator
        table.add_row(
            Text.assemble((ind.id, "bold"), "\n", (ind.name_en, "dim")),
            value_cell(ind, line.quarter),
            value_cell(ind, line.year),
            target_cell(ind, line.target),
            Text(line.status, style=_status_style(line.status)),
        )
    if any(
        row is not None and row.provisional for line in lines for row in (line.quarter, line.year)
    ):
        table.caption = PROVISIONAL_NOTE
    return table


def quality_table(report: QualityReport, load: LoadResult) -> Table:
    """Counts only: rows set aside by the load and findings per data-quality check."""
    table = Table(title="Data quality", title_justify="left")
    table.add_column("finding")
    table.add_column("count", justify="right")
    table.add_row("rows quarantined by the load", str(load.rows_quarantined))
    table.add_row("identical duplicate rows dropped", str(load.duplicates_dropped))
    for result in report.results:
        if result.total:
            table.add_row(f"{result.check.name('en')} ({result.check.id})", str(result.total))
    clean = sum(1 for result in report.results if not result.total)
    table.caption = f"{clean} of {len(report.results)} checks found nothing"
    return table


def command(
    persons: Annotated[
        int | None,
        typer.Option("--persons", min=1, help="Persons in the county [default: settings]."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Random seed [default: settings].")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", file_okay=False, help="Data folder [default: settings]."),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Generate the extract again even if it exists.")
    ] = False,
) -> None:
    """Generate a synthetic county, load it, check it and show its indicators against targets."""
    err = Console(stderr=True)
    try:
        settings = get_settings()
    except ConfigurationError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(FAILURE_EXIT) from None
    persons = persons or settings.synth_persons or DEFAULT_PERSONS
    seed = settings.synth_seed if seed is None else seed
    data_dir = out or settings.data_dir
    folder = extract_folder(data_dir, persons, seed)
    warehouse = data_dir / WAREHOUSE_FILE_NAME
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as progress:
        generated = ensure_extract(folder, persons, seed, fresh=fresh, say=progress)
        task = progress.add_task("loading the extract", total=3)
        try:
            load = load_extract(
                folder,
                warehouse,
                progress=lambda message: progress.update(task, description=f"loading: {message}"),
                pseudonym_key=settings.pseudonym_key_text,
                memory_limit=settings.load_memory_limit,
            )
        except ExtractUnreadable as error:
            err.print(f"error: {error}", markup=False, highlight=False)
            raise typer.Exit(FAILURE_EXIT) from None
        log.info(
            "loaded extract %s as load %s (%d rows quarantined)",
            load.extract_id,
            load.load_id,
            load.rows_quarantined,
        )
        progress.update(task, advance=1, description="checking data quality")
        report = build_report(warehouse)
        progress.update(task, advance=1, description="computing indicators")
        rows = compute_indicators(warehouse)
        progress.update(task, advance=1, description="done")
    log.info("computed %d indicator rows", len(rows))
    out_console = Console()
    state = "generated" if generated else "reused"
    cutoff_local = load.cutoff_local
    cutoff = f"{cutoff_local:%Y-%m-%d %H:%M}" if cutoff_local else "unknown"
    out_console.print(
        f"Synthetic county of {persons} persons (seed {seed}), {state} in {folder}\n"
        f"Warehouse {warehouse}, load {load.load_id}, cutoff {cutoff} (Europe/Helsinki)"
    )
    out_console.print(quality_table(report, load))
    quarter, year, lines = score_lines(rows, cutoff_local.date() if cutoff_local else None)
    out_console.print(scorecard_table(quarter, year, lines))
    out_console.print(
        f"Every indicator by unit and month: tilannekuva indicators --extract {folder} "
        "--out indicators.csv"
    )
