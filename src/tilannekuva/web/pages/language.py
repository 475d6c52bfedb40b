"""The visible language switch: remembers the choice in a cookie and returns to the page.

Works without JavaScript: each language is a plain link to ``/language/<code>?next=<page>``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse

from tilannekuva.web.i18n import LOCALES

router = APIRouter()

LOCALE_COOKIE = "lang"
ONE_YEAR = 365 * 24 * 60 * 60


@router.get("/language/{code}", include_in_schema=False)
def switch_language(code: str, next: str = "/") -> RedirectResponse:
    """Set the language and go back; only local paths are followed (no open redirect)."""
    if code not in LOCALES:
        raise HTTPException(status_code=404)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LOCALE_COOKIE, code, max_age=ONE_YEAR, samesite="lax")
    return response
