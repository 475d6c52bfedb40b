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
from tilannekuva.web.workers import Supervisor, can_fork

FACTORY = "tilannekuva.web.server:app_from_settings"
__all__ = ["FACTORY", "address", "app_from_settings", "serve"]
GRACEFUL_SHUTDOWN_SECONDS = 5
"""Open live-board streams (Server-Sent Events) never finish by themselves; on shutdown the
server waits this long for responses, then ends them (the screens reconnect)."""


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
    """Serve until interrupted. Several workers are forked from this process
    (``web.workers``), or where there is no fork, started by uvicorn from the factory's
    import path. Every worker builds its numbers in the background as it starts: feedback
    answers are taken at once, pages wait for the numbers (``first_snapshot``)."""
    if workers > 1 and can_fork():
        supervisor = Supervisor(
            lambda: create_app(config),
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            graceful_seconds=GRACEFUL_SHUTDOWN_SECONDS,
        )
        supervisor.bind()
        if on_ready is not None:
            on_ready(address(host, port))
        supervisor.run()
        return
    if workers > 1:
        if on_ready is not None:
            on_ready(address(host, port))
        uvicorn.run(
            FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        return
    app = create_app(config)
    if on_ready is not None:
        on_ready(address(host, port))
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
