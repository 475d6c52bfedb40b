"""Error pages: a translated HTML page for people, JSON for the API."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from tilannekuva.web.templating import render

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "30"


async def http_error(request: Request, error: Exception) -> Response:
    """404, 403 and friends, in the reader's language; API paths answer in JSON."""
    assert isinstance(error, HTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )
    return render(
        request,
        "error.html",
        {"status_code": error.status_code, "detail": error.detail},
        status_code=error.status_code,
    )


async def database_down(request: Request, error: Exception) -> Response:
    """The operational database failed: 503, so nobody takes it for an acknowledgement.

    A customer who pressed Send sees that the answer was not saved and can go back (the
    browser keeps what was typed) and send again; an integration retries after
    ``Retry-After``. Nothing is reported as stored that is not.
    """
    assert isinstance(error, SQLAlchemyError)
    log.error("operational database unavailable for %s: %s", request.url.path, type(error).__name__)
    headers = {"Retry-After": RETRY_AFTER_SECONDS, "Cache-Control": "no-store"}
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"detail": "the database is unavailable; try again later"},
            status_code=503,
            headers=headers,
        )
    response = render(request, "error.html", {"status_code": 503, "detail": None}, status_code=503)
    response.headers.update(headers)
    return response
