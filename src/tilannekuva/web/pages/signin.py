"""Sign-in and sign-out: local users with a password, or the county's identity provider.

A password sign-in that fails says the same thing whether the username exists or not, and
after five failures for a username within 15 minutes it is refused for the rest of that
window (the store keeps the count, so it holds across workers and restarts). A successful
sign-in starts a fresh session (everything from before is dropped) and is written to the
audit trail. ``install`` opens the operational store the audit trail uses and registers the
identity provider when one is configured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from authlib.integrations.starlette_client import OAuthError  # type: ignore[import-untyped]
from fastapi import APIRouter, FastAPI, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc.errors import JoseError
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Receive, Scope, Send

from tilannekuva.web.accounts import AccountStore, SignInRefused
from tilannekuva.web.accounts.oidc import (
    PROVIDER_UNREACHABLE,
    identity_from_claims,
    oidc_client,
)
from tilannekuva.web.audit import accounts_store
from tilannekuva.web.config import WebConfig
from tilannekuva.web.i18n import N_
from tilannekuva.web.templating import csrf_valid, gettext, render
from tilannekuva.web.viewer import PUBLIC, SESSION_USER_KEY, UserRole, session_user

router = APIRouter()
logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "signin_next"  # where to go after the identity provider sends us back
METHOD_SESSION_KEY = "signin_method"  # "password" or "oidc"
SIGN_IN_ACTION = "sign_in"


@dataclass(frozen=True)
class FieldError:
    """One problem with the form, linked from the error summary to its field (WCAG 3.3.1)."""

    field: str
    message: str


def install(app: FastAPI, config: WebConfig) -> None:
    """Open the operational store and register the identity provider."""
    app.state.accounts = AccountStore.open(config.database_url)
    app.state.oidc_client = oidc_client(config.oidc) if config.oidc is not None else None
    app.add_middleware(EndSessionsOfDisabledUsers)


class EndSessionsOfDisabledUsers:
    """A local user who is disabled (or removed) loses an open session at the next request.

    Without this a signed session cookie would keep working until it expires. Clearing the
    session makes the request a public visitor's, whichever middleware reads the session
    next. When the store cannot be read, the request is served as a public visitor's. People
    signed in through the identity provider have no local row to check; their access ends
    when the session does. (Plain ASGI middleware, as ``web/middleware.py`` explains.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = scope.get("session") if scope["type"] == "http" else None
        if session and session.get(METHOD_SESSION_KEY) == "password":
            request = Request(scope)
            user = session.get(SESSION_USER_KEY)
            username = user.get("username") if isinstance(user, dict) else None
            store: AccountStore = request.app.state.accounts
            try:
                found = await run_in_threadpool(store.user, str(username))
            except SQLAlchemyError:
                logger.warning("operational store unavailable; %s is served as public", username)
                request.state.viewer = PUBLIC  # for this request only: the session is kept
            else:
                if found is None or found.disabled:
                    session.clear()
                    request.state.viewer = PUBLIC
        await self.app(scope, receive, send)


def safe_next(value: str | None) -> str:
    """``value`` when it is a path on this site, else ``/`` (no open redirect).

    ``//host`` and ``/\\host`` are refused because browsers read both as another site.
    """
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def _form(
    request: Request,
    next_path: str,
    *,
    errors: tuple[FieldError, ...] = (),
    username: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "signin.html",
        {
            "errors": errors,
            "error_for": {error.field: error.message for error in errors},
            "username": username,
            "next_path": next_path,
            "no_access": False,
        },
        status_code=status_code,
    )


def _start_session(
    request: Request, username: str, display_name: str, role: UserRole, method: str
) -> RedirectResponse:
    """Audit the sign-in, then replace the session with one that names the user."""
    accounts_store(request).record_audit(
        username=username, role=role, action=SIGN_IN_ACTION, subject=username, detail=method
    )
    next_path = safe_next(request.session.get(NEXT_SESSION_KEY))
    request.session.clear()
    request.session[SESSION_USER_KEY] = session_user(username, display_name, role)
    request.session[METHOD_SESSION_KEY] = method
    return RedirectResponse(next_path, status_code=303)


@router.get("/signin", include_in_schema=False)
def signin_form(request: Request, next_path: Annotated[str, Query(alias="next")] = "/") -> Response:
    return _form(request, safe_next(next_path))


@router.post("/signin", include_in_schema=False)
def signin(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Check the password; runs in a worker thread, as Argon2 takes a noticeable moment."""
    next_path = safe_next(next_path)

    def refuse(status_code: int, *errors: FieldError) -> HTMLResponse:
        return _form(request, next_path, errors=errors, username=username, status_code=status_code)

    if not csrf_valid(request, csrf_token):
        text = gettext(request, N_("The form had expired. Please sign in again."))
        return refuse(403, FieldError("username", text))
    missing = []
    if not username.strip():
        missing.append(FieldError("username", gettext(request, N_("Enter your username."))))
    if not password:
        missing.append(FieldError("password", gettext(request, N_("Enter your password."))))
    if missing:
        return refuse(400, *missing)
    outcome = accounts_store(request).authenticate(username, password)
    if outcome is SignInRefused.THROTTLED:
        text = gettext(
            request, N_("Too many failed sign-in attempts. Wait 15 minutes and try again.")
        )
        return refuse(429, FieldError("username", text))
    if outcome is SignInRefused.INVALID:
        text = gettext(request, N_("The username or password is not correct."))
        return refuse(400, FieldError("username", text))
    request.session[NEXT_SESSION_KEY] = next_path
    return _start_session(request, outcome.username, outcome.display_name, outcome.role, "password")


@router.post("/signout", include_in_schema=False)
def signout(request: Request, csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    if not csrf_valid(request, csrf_token):
        raise HTTPException(status_code=400, detail="invalid form token")
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.get("/signin/oidc", include_in_schema=False)
async def oidc_signin(
    request: Request, next_path: Annotated[str, Query(alias="next")] = "/"
) -> Response:
    """Send the browser to the identity provider (state, nonce and PKCE kept in the session)."""
    client = request.app.state.oidc_client
    if client is None:
        raise HTTPException(status_code=404)
    request.session[NEXT_SESSION_KEY] = safe_next(next_path)
    try:
        return await client.authorize_redirect(request, request.url_for("oidc_callback"))
    except PROVIDER_UNREACHABLE:
        return _oidc_failed(request, status_code=502)


@router.get("/signin/oidc/callback", name="oidc_callback", include_in_schema=False)
async def oidc_callback(request: Request) -> Response:
    """Check the provider's answer and the ID token, then map the role claim to a role."""
    client = request.app.state.oidc_client
    config = request.app.state.config.oidc
    if client is None or config is None:
        raise HTTPException(status_code=404)
    try:
        token = await client.authorize_access_token(request)
    except (OAuthError, JoseError):
        return _oidc_failed(request, status_code=400)
    except PROVIDER_UNREACHABLE:
        return _oidc_failed(request, status_code=502)
    identity = identity_from_claims(token.get("userinfo") or {}, config)
    if identity.role is None or not identity.username:
        request.session.clear()
        return render(
            request,
            "signin.html",
            {"no_access": True, "identity": identity, "errors": (), "next_path": "/"},
            status_code=403,
        )
    return await run_in_threadpool(
        _start_session, request, identity.username, identity.display_name, identity.role, "oidc"
    )


def _oidc_failed(request: Request, *, status_code: int) -> HTMLResponse:
    text = gettext(
        request, N_("Sign-in with the identity provider did not succeed. Please try again.")
    )
    error = FieldError("oidc-signin", text)
    next_path = safe_next(request.session.get(NEXT_SESSION_KEY))
    return _form(request, next_path, errors=(error,), status_code=status_code)
