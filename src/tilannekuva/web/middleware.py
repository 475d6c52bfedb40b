"""Who is looking, in which language, and the security headers of every response.

Written as plain ASGI middleware rather than Starlette's ``@app.middleware("http")``: that
form copies every response through an extra task and stream, which costs more than serving a
cached page does.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tilannekuva.web.i18n import negotiate_locale
from tilannekuva.web.pages.language import LOCALE_COOKIE
from tilannekuva.web.viewer import viewer_from_session

EMBEDDABLE_PREFIX = "/embed/"

# Pages allow their own assets only; the SVG charts use attributes, not inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)


class ViewerAndLocale:
    """Sets ``request.state.viewer`` (from the signed session) and ``request.state.locale``
    (``?lang=``, the language cookie, the browser's languages, the default, in that order),
    and adds the language and security headers to the response. Only ``/embed/`` pages may be
    framed by other sites."""

    def __init__(self, app: ASGIApp, *, default_locale: str) -> None:
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        locale = negotiated_locale(request, self.default_locale)
        request.state.viewer = viewer_from_session(scope.get("session") or {})
        request.state.locale = locale
        embeddable = scope["path"].startswith(EMBEDDABLE_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(message, locale, embeddable=embeddable)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def negotiated_locale(request: Request, default: str) -> str:
    """``?lang=``, the language cookie, the browser's languages, the default, in that order."""
    return negotiate_locale(
        request.query_params.get("lang") or request.cookies.get(LOCALE_COOKIE),
        request.headers.get("accept-language"),
        default,
    )


def add_security_headers(start: Message, locale: str, *, embeddable: bool = False) -> None:
    """The language and security headers every response carries (on its start message)."""
    headers = MutableHeaders(scope=start)
    headers.setdefault("Content-Language", locale)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if embeddable:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    else:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY + "; frame-ancestors 'none'"
        headers["X-Frame-Options"] = "DENY"
