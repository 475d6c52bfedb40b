"""Running the web app: the uvicorn factory and the one function that starts a server.

``app_from_settings`` builds the app from the one settings object, so ``uvicorn --factory
tilannekuva.web.server:app_from_settings`` and ``tilannekuva serve`` run the same thing, with
several worker processes when configured.
"""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from tilannekuva.settings import get_settings
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig, address, web_config_from_settings

FACTORY = "tilannekuva.web.server:app_from_settings"
__all__ = ["FACTORY", "address", "app_from_settings", "serve"]


def app_from_settings() -> FastAPI:
    """The app as the settings (environment, ``.env``, ``tilannekuva.toml``) describe it."""
    return create_app(web_config_from_settings(get_settings()))


def serve(
    config: WebConfig,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_level: str = "warning",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted. One worker serves ``config`` directly, with the numbers built
    before the address is printed (so the first page a newcomer opens is ready); several
    workers each build the app from the settings (uvicorn starts them from the factory's
    import path) and their numbers as they start."""
    if workers > 1:
        if on_ready is not None:
            on_ready(address(host, port))
        uvicorn.run(
            FACTORY, factory=True, host=host, port=port, workers=workers, log_level=log_level
        )
        return
    app = create_app(config)
    app.state.snapshots.current()
    if on_ready is not None:
        on_ready(address(host, port))
    uvicorn.run(app, host=host, port=port, log_level=log_level)
