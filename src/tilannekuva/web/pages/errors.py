"""Error pages: a translated HTML page for people, JSON for the API."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from tilannekuva.web.templating import render


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
