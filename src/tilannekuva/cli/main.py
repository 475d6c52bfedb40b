"""The ``tilannekuva`` command: one Typer app, one module per subcommand.

Each subcommand lives in ``tilannekuva/cli/<name>_cmd.py`` and defines one ``command``
function; this module only registers them, so adding a command is adding a module and one
line here (``docs/cli.md`` documents each; ``tests/test_docs.py`` keeps it complete). The app
callback reads the settings once to set up logging, and turns an invalid configuration into a
one-line error with exit status 2 instead of a traceback.
"""

from __future__ import annotations

import logging
from importlib.metadata import version
from typing import Annotated

import typer

from tilannekuva.cli import (
    board_cmd,
    board_simulate_cmd,
    demo_cmd,
    feedback_cmd,
    indicators_cmd,
    load_cmd,
    quality_cmd,
    serve_cmd,
    synth_cmd,
    users_cmd,
)
from tilannekuva.settings import ConfigurationError, LogLevel, get_settings

CONFIGURATION_EXIT = 2
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

app = typer.Typer(
    name="tilannekuva",
    help="Tilannekuva: knowledge-based management for a Finnish wellbeing services county.",
    no_args_is_help=True,
    add_completion=False,
)


def configure_logging(level: LogLevel) -> None:
    """Log records at ``level`` and above go to standard error, one line each (operations.md)."""
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"tilannekuva {version('tilannekuva')}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """Load extracts, check their quality, compute indicators; `demo` shows it all at once."""
    try:
        settings = get_settings()
    except ConfigurationError as error:
        typer.echo(f"error: invalid configuration: {error}", err=True)
        raise typer.Exit(CONFIGURATION_EXIT) from None
    configure_logging(settings.log_level)


app.command("synth")(synth_cmd.command)
app.command("load")(load_cmd.command)
app.command("quality")(quality_cmd.command)
app.command("indicators")(indicators_cmd.command)
app.command("demo")(demo_cmd.command)
app.add_typer(users_cmd.app, name="users")  # a group: add, list, disable, enable, …
app.command("serve")(serve_cmd.command)
app.add_typer(feedback_cmd.app, name="feedback")  # a group: visit, worker, kiosk, pulse-links, …
board_cmd.board_app.command("simulate")(board_simulate_cmd.simulate)
app.add_typer(board_cmd.board_app, name="board")  # a group: source, display, simulate


if __name__ == "__main__":
    app()
