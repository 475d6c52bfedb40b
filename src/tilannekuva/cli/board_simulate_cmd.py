"""``tilannekuva board simulate``: replay a unit's day from the warehouse as live board events.

For the demo and for trying an installation: the unit's busiest recent office day (or
``--day``) of the current load becomes the events a patient record, phone system, e-message
portal and appointment book would send, moved to today (or ``--to-day``) at the same time
of day, and is posted to the event API with a source system's token at ``--speed`` times real
time (``board/simulator.py`` documents how rows become events, ``board/replay.py`` the
sending). The replay starts at 07:00 by default (``--from``): what happened before (the night,
and the backlog of earlier days) goes out at once, then the office day unfolds. Running it
again sends the same source ids, so nothing counts twice.

Exit status 1: the input is refused (unknown unit, no such day, a time that cannot be read,
the server refused the token or the events); 2: the warehouse cannot be read or the server
stayed unreachable.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tilannekuva.board.events import EVENT_TYPES, Event
from tilannekuva.board.replay import (
    ReplayProgress,
    ReplayRefused,
    ReplayUnreachable,
    replay,
)
from tilannekuva.board.simulator import SimulatedDay, SimulationError, simulate_day
from tilannekuva.cli.options import WarehouseOption
from tilannekuva.ingest.timeparse import HELSINKI
from tilannekuva.settings import get_settings
from tilannekuva.warehouse import WarehouseBusy, WarehouseMissing
from tilannekuva.web.config import address

REFUSED_EXIT = 1
UNAVAILABLE_EXIT = 2
TOKEN_ENV = "TILANNEKUVA_BOARD_SOURCE_TOKEN"
DEFAULT_START = "07:00"  # a morning: the night before goes out at once, then the office day


def _fail(message: str, code: int = REFUSED_EXIT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option}: expected a date YYYY-MM-DD, got {text!r}") from None


def _clock_time(text: str | None, option: str, day: date) -> datetime | None:
    """``text`` (HH:MM, or ``now``: the current time of day) on ``day`` in Helsinki."""
    if text is None:
        return None
    if text == "now":
        return datetime.combine(day, datetime.now(HELSINKI).time(), tzinfo=HELSINKI)
    try:
        wall = time.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option}: expected a time of day HH:MM, got {text!r}") from None
    return datetime.combine(day, wall, tzinfo=HELSINKI)


def simulate(
    unit: Annotated[str, typer.Option("--unit", help="The unit whose day is replayed.")],
    day: Annotated[
        str | None,
        typer.Option("--day", help="Source day YYYY-MM-DD; default: the busiest recent one."),
    ] = None,
    to_day: Annotated[
        str | None,
        typer.Option("--to-day", help="Date the events are moved to; default: today."),
    ] = None,
    speed: Annotated[
        float,
        typer.Option("--speed", min=0, help="Times real time; 0 sends everything at once."),
    ] = 10.0,
    start: Annotated[
        str,
        typer.Option(
            "--from",
            help="Start the replay at this time of day, HH:MM or 'now' (earlier events go "
            "out at once).",
        ),
    ] = DEFAULT_START,
    until: Annotated[
        str | None, typer.Option("--until", help="Stop at this time of day HH:MM.")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="The web app's address; default: the configured server."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar=TOKEN_ENV,
            show_envvar=True,
            help="A source system's token (tilannekuva board source add NAME).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only show what would be sent.")
    ] = False,
    warehouse: WarehouseOption = None,
) -> None:
    """Replay a unit's day from the current load to the board's event API, like live systems."""
    err = Console(stderr=True)
    settings = get_settings()
    source_day = _date(day, "--day")
    target_day = _date(to_day, "--to-day") or datetime.now(HELSINKI).date()
    first = _clock_time(start, "--from", target_day)
    last = _clock_time(until, "--until", target_day)
    if not dry_run and not token:
        raise _fail(f"give a source system's token with --token or {TOKEN_ENV}")
    try:
        simulated = simulate_day(warehouse or settings.warehouse_path, unit, source_day, target_day)
    except (WarehouseMissing, WarehouseBusy) as error:
        raise _fail(str(error), UNAVAILABLE_EXIT) from None
    except SimulationError as error:
        raise _fail(str(error)) from None
    chosen = [e for e in simulated.events if last is None or e.occurred_at < last]
    _print_plan(Console(), simulated, chosen)
    if dry_run or not chosen:
        return
    assert token is not None
    target = url or address(settings.web_host, settings.web_port)
    try:
        final = _send(err, chosen, target, token, speed, first)
    except ReplayRefused as error:
        raise _fail(f"{error} ({error.sent} events sent before)") from None
    except ReplayUnreachable as error:
        raise _fail(f"{error} ({error.sent} events sent before)", UNAVAILABLE_EXIT) from None
    typer.echo(
        f"sent {final.sent} events: {final.stored} stored, {final.duplicates} already there "
        f"(requests: {final.batches}, retries: {final.retries})"
    )


def _send(
    err: Console,
    events: list[Event],
    url: str,
    token: str,
    speed: float,
    start: datetime | None,
) -> ReplayProgress:
    columns = (
        TextColumn("[bold]{task.fields[clock]}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err) as progress:
        task = progress.add_task("replay", total=len(events), clock="--:--:--", note="")

        def show(state: ReplayProgress) -> None:
            clock = state.simulated.astimezone(HELSINKI) if state.simulated else None
            note = f"retrying: {state.retrying}" if state.retrying else ""
            if not note and state.duplicates:
                note = f"{state.duplicates} already there"
            progress.update(
                task,
                completed=state.sent,
                clock=f"{clock:%H:%M:%S}" if clock else "--:--:--",
                note=note,
            )

        return replay(events, url=url, token=token, speed=speed, start=start, on_progress=show)


def _print_plan(out: Console, simulated: SimulatedDay, events: list[Event]) -> None:
    out.print(
        f"unit {simulated.unit_id}: {simulated.day.isoformat()} of load {simulated.load_id} "
        f"replayed on {simulated.target_day.isoformat()}",
        markup=False,
        highlight=False,
    )
    counts: Counter[str] = Counter(str(e.type) for e in events)
    table = Table("event", "count")
    for name in EVENT_TYPES:
        if counts[name]:
            table.add_row(name, str(counts[name]))
    table.add_row("[bold]all[/]", f"[bold]{len(events)}[/]")
    out.print(table)
    if simulated.skipped:
        out.print(
            f"{simulated.skipped} events left out: the event API would refuse their ids "
            "(the log names them)",
            markup=False,
            highlight=False,
        )
