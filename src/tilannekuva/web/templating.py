"""Server-rendered pages: one Jinja2 environment per language, and the shared page context.

Each locale gets its own environment with its catalogue installed (``{% trans %}`` and
``_()`` in templates), so a request never switches a global language: it just picks the
environment of its locale. Every page receives the same base context: who is looking, the
locale and its number formatter, the language-switch links, the current load and a CSRF token
for forms.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tilannekuva.indicators.engine import SMALLEST_SHOWN
from tilannekuva.web.i18n import LANGUAGE_NAMES, LOCALES, N_, Formatter, translations
from tilannekuva.web.viewer import PUBLIC, Viewer

CSRF_SESSION_KEY = "csrf"


@lru_cache(maxsize=len(LOCALES))
def environment(locale: str) -> Environment:
    """The template environment of one locale, built once per process."""
    env = Environment(
        loader=PackageLoader("tilannekuva.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["quote"] = quote
    return env


def request_locale(request: Request) -> str:
    return getattr(request.state, "locale", "fi")


def request_viewer(request: Request) -> Viewer:
    return getattr(request.state, "viewer", PUBLIC)


def gettext(request: Request, message: str) -> str:
    """Translate a message id outside templates (titles built in Python)."""
    return translations(request_locale(request)).gettext(message)


def csrf_token(request: Request) -> str:
    """The session's form token, made on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


def csrf_valid(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(CSRF_SESSION_KEY)
    return (
        isinstance(expected, str)
        and submitted is not None
        and secrets.compare_digest(expected, submitted)
    )


def finding_count(count: int, request: Request) -> str:
    """A data-quality count as shown to this viewer: 1–4 are "fewer than 5" for the public.

    Counts of findings are aggregates of people's records, so outside sign-in they follow the
    small-cell rule like indicator values (the API does the same). Signed-in staff see exact
    counts: they see the record ids behind them anyway, in an audited view.
    """
    if 0 < count < SMALLEST_SHOWN and not request_viewer(request).can_see_record_ids:
        return gettext(request, N_("fewer than 5"))
    return Formatter(request_locale(request)).number(count, 0)


def language_links(request: Request) -> list[dict[str, Any]]:
    """One link per language that switches and comes back to the same page."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    current = request_locale(request)
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "href": f"/language/{code}?{urlencode({'next': here})}",
            "current": code == current,
        }
        for code in LOCALES
    ]


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    embed: bool = False,
) -> HTMLResponse:
    """Render a page template with the base context; ``embed`` drops the site chrome."""
    locale = request_locale(request)
    snapshots = getattr(request.app.state, "snapshots", None)
    snapshot = snapshots.shown() if snapshots is not None else None  # first_snapshot.py
    base: dict[str, Any] = {
        "request": request,
        "viewer": request_viewer(request),
        "locale": locale,
        "fmt": Formatter(locale),
        "languages": language_links(request),
        "snapshot": snapshot,
        "csrf_token": lambda: csrf_token(request),
        "path": request.url.path,
        "embed": embed,
        "oidc_enabled": getattr(request.app.state.config, "oidc", None) is not None,
        "finding_count": lambda n: finding_count(n, request),
    }
    base.update(context or {})
    html = environment(locale).get_template(template).render(base)
    return HTMLResponse(html, status_code=status_code)


def translator(request: Request) -> Callable[[str], str]:
    """``_`` for Python code that builds text for a page (titles, chart descriptions)."""
    return translations(request_locale(request)).gettext
