"""``tilannekuva board``: source systems and wall displays of the live control board.

``board source add NAME`` gives a source system (phone system, patient record, appointment
book) its token for ``POST /api/v1/board/events``; ``board display add NAME --unit U`` gives
a wall display its address. Tokens are printed once and stored hashed: a lost token is
revoked and a new one made. Every command works on the board store named by the setting
``database_url`` (created and migrated when needed). Exit status 1: the input is refused
(one line per problem); 2: the store cannot be opened.

The ``simulate`` command lives in ``board_simulate_cmd.py`` and is attached by ``main.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, cast

import duckdb
import typer
from sqlalchemy.exc import SQLAlchemyError

from tilannekuva.board.store import BoardStore
from tilannekuva.board.store.access import THEMES, Theme
from tilannekuva.settings import get_settings
from tilannekuva.warehouse import WarehouseBusy, WarehouseMissing, connect
from tilannekuva.web.config import address

REFUSED_EXIT = 1
STORE_EXIT = 2

board_app = typer.Typer(
    help="The live control board: source systems that send events, wall displays.",
    no_args_is_help=True,
)
source_app = typer.Typer(help="Source systems allowed to send board events.", no_args_is_help=True)
display_app = typer.Typer(help="Wall displays opened with a token.", no_args_is_help=True)
board_app.add_typer(source_app, name="source")
board_app.add_typer(display_app, name="display")


def _fail(message: str, code: int = REFUSED_EXIT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _opened_store() -> Iterator[BoardStore]:
    try:
        store = BoardStore.open(get_settings().database_url_text)
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        raise _fail(f"cannot open the board store: {reason}", STORE_EXIT) from None
    try:
        yield store
    finally:
        store.close()


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "-"


def _known_units(warehouse: Path) -> set[str] | None:
    """The current load's unit ids; None when there is no load to check against."""
    try:
        connection = connect(warehouse, read_only=True, wait_seconds=5)
    except (WarehouseMissing, WarehouseBusy):
        return None
    try:
        return {str(row[0]) for row in connection.execute("SELECT unit_id FROM units").fetchall()}
    except duckdb.Error:
        return None
    finally:
        connection.close()


def _public_url() -> str:
    settings = get_settings()
    public = settings.feedback_public_url or address(settings.web_host, settings.web_port)
    return public.rstrip("/")


# --- source ----------------------------------------------------------------------------------


@source_app.command("add")
def source_add(
    name: Annotated[str, typer.Argument(help="A short name, e.g. 'pbx' or 'omasote'.")],
) -> None:
    """Register a source system and print its token (shown only now)."""
    with _opened_store() as store:
        try:
            token = store.add_source(name)
        except ValueError as error:
            raise _fail(str(error)) from None
    typer.echo(token)
    typer.echo(
        f"source {name}: the token above is shown only now; send it as "
        "'Authorization: Bearer <token>' to /api/v1/board/events",
        err=True,
    )


@source_app.command("list")
def source_list() -> None:
    """List the source systems, one per line (tab-separated)."""
    with _opened_store() as store:
        sources = store.sources()
    typer.echo("source\tstatus\tcreated\tevents\tlast_received")
    for source in sources:
        status = "active" if source.active else "revoked"
        fields = (
            source.name,
            status,
            _when(source.created_at),
            str(source.events),
            _when(source.last_received_at),
        )
        typer.echo("\t".join(fields))


@source_app.command("revoke")
def source_revoke(name: Annotated[str, typer.Argument(help="The source's name.")]) -> None:
    """Stop a source's token at once; the events it sent stay."""
    with _opened_store() as store:
        try:
            store.revoke_source(name)
        except LookupError as error:
            raise _fail(str(error)) from None
    typer.echo(f"source {name} revoked")


# --- display ---------------------------------------------------------------------------------


@display_app.command("add")
def display_add(
    name: Annotated[str, typer.Argument(help="A short name, e.g. 'lobby-wall'.")],
    units: Annotated[list[str], typer.Option("--unit", help="A unit to show; repeat for several.")],
    theme: Annotated[str, typer.Option("--theme", help="dark or light.")] = "dark",
) -> None:
    """Register a wall display and print its token and address (shown only now)."""
    if theme not in THEMES:
        raise _fail(f"--theme must be one of {', '.join(THEMES)}, not {theme!r}")
    known = _known_units(get_settings().warehouse_path)
    unknown = [unit for unit in units if known is not None and unit not in known]
    if unknown:
        raise _fail(f"unit(s) not in the current load: {', '.join(unknown)}")
    with _opened_store() as store:
        try:
            token = store.add_display(name, units, cast(Theme, theme))
        except ValueError as error:
            raise _fail(str(error)) from None
    typer.echo(f"{token}\t{_public_url()}/wall/{token}")
    typer.echo(f"display {name}: the address above is shown only now", err=True)


@display_app.command("list")
def display_list() -> None:
    """List the wall displays, one per line (tab-separated)."""
    with _opened_store() as store:
        displays = store.displays()
    typer.echo("display\tunits\ttheme\tstatus\tcreated\tlast_seen")
    for display in displays:
        status = "active" if display.active else "revoked"
        fields = (
            display.name,
            ",".join(display.unit_ids),
            display.theme,
            status,
            _when(display.created_at),
            _when(display.last_seen_at),
        )
        typer.echo("\t".join(fields))


@display_app.command("revoke")
def display_revoke(name: Annotated[str, typer.Argument(help="The display's name.")]) -> None:
    """Stop a display's address at once (its page answers 404)."""
    with _opened_store() as store:
        try:
            store.revoke_display(name)
        except LookupError as error:
            raise _fail(str(error)) from None
    typer.echo(f"display {name} revoked")
