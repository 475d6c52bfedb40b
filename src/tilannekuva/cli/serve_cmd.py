"""``tilannekuva serve``: the web app (scorecard, explorer, unit pages, API) over the warehouse.

Pages compute nothing per request: the current load's numbers are built once when the server
starts and again whenever a newer load appears in the warehouse (docs/web.md).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

from tilannekuva.cli.options import WarehouseOption
from tilannekuva.settings import ConfigurationError, env_var, get_settings
from tilannekuva.web.config import web_config_from_settings
from tilannekuva.web.server import serve

FAILURE_EXIT = 2


def command(
    warehouse: WarehouseOption = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on [default: settings].")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=0, max=65535, help="Port to listen on [default: settings]."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes [default: settings]."),
    ] = None,
) -> None:
    """Serve the web app and its JSON API until interrupted (Ctrl+C)."""
    try:
        settings = get_settings()
        if warehouse is not None:
            settings = settings.model_copy(update={"warehouse": warehouse})
            # worker processes read the settings themselves: hand them the same warehouse
            os.environ[env_var("warehouse")] = str(warehouse)
        config = web_config_from_settings(settings)
    except ConfigurationError as error:
        Console(stderr=True).print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(FAILURE_EXIT) from None
    serve(
        config,
        host=host or settings.web_host,
        port=settings.web_port if port is None else port,
        workers=workers or settings.web_workers,
        log_level=settings.log_level.lower(),
        on_ready=lambda url: typer.echo(f"Tilannekuva is at {url} (stop with Ctrl+C)"),
    )
