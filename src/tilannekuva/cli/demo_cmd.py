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

import dataclasses
import logging
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tilannekuva.cli.demo_board import start_demo_board
from tilannekuva.cli.demo_feedback import start_demo_feedback
from tilannekuva.indicators import IndicatorRow, compute_indicators
from tilannekuva.indicators.catalogue import Direction, Indicator, Target, Unit
from tilannekuva.indicators.scorecard import ScoreLine, Status, score_lines
from tilannekuva.ingest import ExtractUnreadable, LoadResult, load_extract
from tilannekuva.quality import QualityReport, build_report
from tilannekuva.settings import WAREHOUSE_FILE_NAME, ConfigurationError, get_settings
from tilannekuva.synth import DEFAULT_PERSONS, generate_extract
from tilannekuva.web.accounts import AccountStore
from tilannekuva.web.config import web_config_from_settings
from tilannekuva.web.server import serve

FAILURE_EXIT = 2
DEMO_ANALYST = "demo-analyst"
log = logging.getLogger(__name__)

PROVISIONAL_MARK = "*"
PROVISIONAL_NOTE = (
    "* provisional: the period ended fewer than 90 days before the cutoff, so the value may "
    "still change (indicators-v1, orphan_assessments)"
)
STATUS_STYLES = {Status.NO_TARGET: "dim", Status.NO_DATA: "dim"}


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
        return Text(Status.NO_DATA, style="dim")
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


def demo_analyst_password(database_url: str) -> str:
    """Give the demo's analyst user a fresh random password and return it.

    A newcomer can then try the analyst view without creating a user first. The user exists
    only in the demo's own operational store, next to synthetic data.
    """
    password = secrets.token_urlsafe(12)
    store = AccountStore.open(database_url)
    try:
        if store.user(DEMO_ANALYST) is None:
            store.add_user(DEMO_ANALYST, password, role="analyst", display_name="Demo analyst")
        else:
            store.enable(DEMO_ANALYST)
            store.set_password(DEMO_ANALYST, password)
    finally:
        store.close()
    return password


def _status_style(status: Status) -> str:
    if status is Status.MET:
        return "green"
    return STATUS_STYLES.get(status, "bold red")


def status_text(line: ScoreLine, year: str | None) -> str:
    """The status in words, marked ``(year)`` when the quarter had no value to judge."""
    judged_year = line.judged is not None and line.judged == year
    if judged_year and line.status not in (Status.NO_TARGET, Status.NO_DATA):
        return f"{line.status} (year)"
    return str(line.status)


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
            Text(status_text(line, year), style=_status_style(line.status)),
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
    serve_web: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Start the web app on the demo warehouse and print its address.",
        ),
    ] = True,
) -> None:
    """Generate a synthetic county, load it, check it, show its indicators against targets,
    and serve the web app over it."""
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
    if serve_web:
        demo_settings = settings.model_copy(update={"data_dir": data_dir, "warehouse": warehouse})
        password = demo_analyst_password(demo_settings.database_url_text)
        out_console.print(
            f"Sign in as [bold]{DEMO_ANALYST}[/] with password [bold]{password}[/] to see every "
            "number unsuppressed (a new password each run; the data is synthetic).",
            highlight=False,
        )
        feedback = start_demo_feedback(demo_settings, warehouse)
        board = start_demo_board(
            demo_settings.database_url_text, warehouse, feedback.unit_id, feedback.unit_name
        )

        def ready(url: str) -> None:
            out_console.print(f"The web app is at {url} — open it in a browser (stop with Ctrl+C)")
            for line in feedback.lines(url) + board.lines(url):
                out_console.print(line, highlight=False, soft_wrap=True)  # whole addresses
            board.start_replay(url, lambda text: err.print(text, markup=False, highlight=False))

        config = web_config_from_settings(feedback.settings)
        try:
            serve(
                dataclasses.replace(config, board_clock=board.clock.now),
                host=settings.web_host,
                port=settings.web_port,
                log_level=settings.log_level.lower(),
                on_ready=ready,
            )
        finally:
            feedback.stop()
