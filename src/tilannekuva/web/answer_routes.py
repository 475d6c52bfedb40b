"""The answer routes, served ahead of the page middleware: the form's POST and the SMS webhooks.

Under load nearly every request is an answer: ``POST /f/{token}`` (the web form) or
``POST /api/v1/sms/inbound`` (a reply by SMS; ``/sms/receipts`` with it). Each used to pass
the session, viewer, page-cache and disabled-user layers, the router's matching of every
route and FastAPI's parameter solving, which together cost a worker more CPU than storing the
answer did (measured with py-spy at 200 answers/s: about 35 % of a worker's Python time, the
endpoint itself 26 %). None of them does anything for these requests: the form has no
session (its one-time token is its credential), the webhooks authenticate with their bearer
secret, and neither is ever cached.

So this plain ASGI layer, the outermost of the app's own, hands them straight to the
endpoint functions the FastAPI routes use (``feedback_form.submit_feedback``,
``api.sms.receive_sms`` and ``receive_receipt``: one implementation, the routes keep their
OpenAPI description), with what the skipped layers would have given them:

- the reader's language negotiated as ``ViewerAndLocale`` does, and the public viewer (a
  respondent's page never shows a staff member's name, even on a staff member's phone);
- the same language and security headers on the response;
- the same error handlers: ``HTTPException`` as ``errors.http_error`` answers it (JSON on
  ``/api/``), a database failure as ``errors.database_down`` (503, never an
  acknowledgement). Anything else propagates to the app's server-error layer, as before.

Everything else, including ``GET /f/{token}`` and the kiosk, takes the usual way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tilannekuva.web.api import sms
from tilannekuva.web.middleware import add_security_headers, negotiated_locale
from tilannekuva.web.pages import errors, feedback_form
from tilannekuva.web.viewer import PUBLIC

FORM_PREFIX = "/f/"
Endpoint = Callable[[Request], Awaitable[Response]]


async def _form(request: Request) -> Response:
    return await feedback_form.submit_feedback(request, request.url.path[len(FORM_PREFIX) :])


async def _sms_inbound(request: Request) -> Response:
    return _json(await sms.receive_sms(request))


async def _sms_receipt(request: Request) -> Response:
    return _json(await sms.receive_receipt(request))


def _json(model: BaseModel) -> Response:
    return JSONResponse(model.model_dump(mode="json"))


WEBHOOKS: dict[str, Endpoint] = {
    "/api/v1/sms/inbound": _sms_inbound,
    "/api/v1/sms/receipts": _sms_receipt,
}


def answer_endpoint(scope: Scope) -> Endpoint | None:
    """The endpoint of an answer request, or None for every other request."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path: str = scope["path"]
    if path.startswith(FORM_PREFIX):
        token = path[len(FORM_PREFIX) :]
        return _form if token and "/" not in token else None
    return WEBHOOKS.get(path)


class AnswerRoutes:
    """Plain ASGI middleware (see ``middleware``): answers go straight to their endpoint."""

    def __init__(self, app: ASGIApp, *, default_locale: str) -> None:
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = answer_endpoint(scope)
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        locale = negotiated_locale(request, self.default_locale)
        request.state.viewer = PUBLIC
        request.state.locale = locale
        try:
            response = await endpoint(request)
        except HTTPException as error:
            response = await errors.http_error(request, error)
        except SQLAlchemyError as error:
            response = await errors.database_down(request, error)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(message, request.state.locale)
            await send(message)

        await response(scope, receive, send_with_headers)
