"""The ASGI application: pages, the JSON API, static assets, sessions and languages.

``create_app`` wires the parts; each page type lives in its own module under ``pages/`` and
each API resource under ``api/`` (as Datasette keeps its views), so this file only says
what is mounted where.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from tilannekuva.web import page_cache
from tilannekuva.web.answer_routes import AnswerRoutes
from tilannekuva.web.api import board_events as api_board_events
from tilannekuva.web.api import events as api_events
from tilannekuva.web.api import exports as api_exports
from tilannekuva.web.api import indicators as api_indicators
from tilannekuva.web.api import loads as api_loads
from tilannekuva.web.api import quality as api_quality
from tilannekuva.web.api import sms as api_sms
from tilannekuva.web.api import units as api_units
from tilannekuva.web.board_service import install_board
from tilannekuva.web.config import WebConfig
from tilannekuva.web.feedback_service import open_feedback
from tilannekuva.web.first_snapshot import FirstSnapshotGate
from tilannekuva.web.middleware import ViewerAndLocale
from tilannekuva.web.pages import (
    embed,
    errors,
    feedback_form,
    feedback_results,
    indicators,
    kiosk,
    language,
    loads,
    pulse,
    quality,
    scorecard,
    signin,
    units,
)
from tilannekuva.web.snapshot import SnapshotStore

STATIC_DIR = Path(__file__).parent / "static"
SESSION_MAX_AGE = 8 * 60 * 60  # a working day; then sign in again


def create_app(config: WebConfig, *, snapshots: SnapshotStore | None = None) -> FastAPI:
    """The whole web app over one warehouse and one operational store.

    Given ``snapshots`` (tests share one over a county) are used as they are; otherwise the
    app makes its own, with the feedback indicators live from the feedback store, and polls
    for new loads and new feedback while it runs.
    """
    feedback = open_feedback(config)
    own_snapshots = snapshots is None
    store = snapshots or SnapshotStore(
        config.warehouse, check_seconds=config.reload_check_seconds, feedback=feedback.store
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # answers are accepted at once; other requests wait for the numbers (first_snapshot)
        store.start_building()
        if own_snapshots:
            store.start_polling(config.live_check_seconds)
        feedback.start_background()
        board.start_background()
        try:
            yield
        finally:
            board.close()  # the poller, then the board store
            feedback.stop_background()
            if own_snapshots:
                store.stop_polling()
            feedback.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Tilannekuva API",
        version=version("tilannekuva"),
        summary="Indicators, units, loads and data quality of a wellbeing services county.",
        docs_url=None,  # Swagger UI would load from a CDN; the schema is served offline
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.config = config
    app.state.snapshots = store
    feedback.attach(app)
    board = install_board(app, config)  # needs app.state.snapshots and the feedback store
    # Middleware runs outermost-last-added: answers straight to their endpoint → wait for the
    # first numbers → session → viewer and locale → end the sessions of disabled users → page
    # cache → the page. The cache must see the final viewer.
    page_cache.install(app)
    signin.install(app, config)  # the operational store (users, audit trail) and OIDC

    app.add_middleware(ViewerAndLocale, default_locale=config.default_locale)
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key,
        session_cookie="tilannekuva_session",
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=config.secure_cookies,
    )
    app.add_middleware(FirstSnapshotGate, snapshots=store)
    app.add_middleware(AnswerRoutes, default_locale=config.default_locale)  # answer_routes.py
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    pages = (scorecard, indicators, units, quality, loads, signin, language, embed)
    feedback_pages = (feedback_form, kiosk, pulse, feedback_results)
    for module in (*pages, *feedback_pages):
        app.include_router(module.router)
    apis = (api_indicators, api_exports, api_units, api_loads, api_quality)
    for api in (*apis, api_sms, api_events, api_board_events):
        app.include_router(api.router, prefix="/api/v1")
    app.add_exception_handler(StarletteHTTPException, errors.http_error)
    app.add_exception_handler(SQLAlchemyError, errors.database_down)
    return app
