"""The quality report as Rich tables for the terminal.

First one summary line per check (so a clean load reads at a glance), then, for each check
with findings, its units with the busiest months and example ids, and finally the missing
sources with the indicators they disable.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tilannekuva.quality.checks import Severity
from tilannekuva.quality.report import CheckResult, QualityReport

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
NO_UNIT = "(no unit)"
BUSIEST_MONTHS = 3
MISSING_FILES_CHECK = "missing_optional_files"  # shown by ``missing_table`` instead


def _header(report: QualityReport) -> Text:
    load = report.load
    cutoff = load.cutoff_local.isoformat(sep=" ") if load.cutoff_local else "unknown"
    return Text.assemble(
        ("Data-quality report", "bold"),
        f"  load {load.load_id}  extract {load.extract_id}  cutoff {cutoff} (Europe/Helsinki)",
    )


def summary_table(report: QualityReport, lang: str = "en") -> Table:
    """One row per declared check: severity, name, total and the number of units affected."""
    table = Table(title="Checks", title_justify="left")
    table.add_column("check", no_wrap=True)
    table.add_column("severity")
    table.add_column("name")
    table.add_column("total", justify="right")
    table.add_column("units", justify="right")
    for result in report.results:
        check = result.check
        units = sum(1 for u in result.units if u.unit_id is not None)
        table.add_row(
            Text(check.id),
            Text(check.severity.value, style=SEVERITY_STYLES[check.severity]),
            Text(check.name(lang)),
            str(result.total),
            str(units) if units else "",
        )
    return table


def _busiest(result: CheckResult, unit_id: str | None) -> str:
    months = [c for c in result.cells if c.unit_id == unit_id and c.month is not None]
    months.sort(key=lambda c: (-c.count, c.month or ""))
    return ", ".join(f"{c.month}: {c.count}" for c in months[:BUSIEST_MONTHS])


def check_table(result: CheckResult, lang: str = "en") -> Table:
    """A check's findings by detail (in the title) and by unit: count, busiest months, examples."""
    check = result.check
    details = "; ".join(f"{key}: {count}" for key, count in result.by_detail.items())
    title = f"{check.name(lang)} ({check.id})" + (f" - {details}" if details else "")
    table = Table(
        title=Text(title),
        title_justify="left",
        caption=Text(check.action),
        caption_justify="left",
    )
    table.add_column("unit")
    table.add_column("count", justify="right")
    table.add_column("busiest months")
    table.add_column(Text(f"examples ({check.examples})"))
    for unit in result.units:
        table.add_row(
            Text(unit.unit_id if unit.unit_id is not None else NO_UNIT),
            str(unit.count),
            _busiest(result, unit.unit_id),
            Text(", ".join(unit.examples)),
        )
    return table


def missing_table(report: QualityReport) -> Table:
    """Missing optional files and the indicators they leave without rows."""
    table = Table(title="Missing optional files", title_justify="left")
    table.add_column("table")
    table.add_column("indicators without rows")
    for source in report.missing:
        table.add_row(Text(source.table), Text(", ".join(source.disables) or "(none)"))
    return table


def render_report(report: QualityReport, lang: str = "en") -> RenderableType:
    """Everything the terminal shows, as one Rich renderable."""
    parts: list[RenderableType] = [_header(report), summary_table(report, lang)]
    parts.extend(
        check_table(r, lang)
        for r in report.results
        if r.total and r.check.id != MISSING_FILES_CHECK
    )
    if report.missing:
        parts.append(missing_table(report))
    return Group(*parts)


def print_report(report: QualityReport, console: Console, lang: str = "en") -> None:
    console.print(render_report(report, lang))
