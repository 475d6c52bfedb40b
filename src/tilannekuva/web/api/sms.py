"""``POST /api/v1/sms/inbound`` and ``/sms/receipts``: the SMS gateway's webhooks.

The gateway posts each customer reply and each delivery receipt here, in the generic JSON
shape of ``docs/sms-gateway.md`` (an adapter for a provider with its own shape translates
before this point). Decisions:

- Authentication is ``Authorization: Bearer <webhook_secret>``, compared in constant time,
  before the body is read: 401 without it. With no secret configured the webhooks answer 503
  (the gateway keeps its messages and retries once the county sets one) — never 200, which
  would make the provider drop replies nobody stored.
- A reply is committed to the store BEFORE the 200 is returned, together with what it does
  (the answer, the opt-out, the queued reply: one transaction, see
  ``FeedbackStore.handle_inbound``). If the database cannot be reached the answer is 503, so
  the gateway delivers the message again; a delivery seen before (same provider message id)
  answers 200 and changes nothing.
- A body that is not the documented JSON is 422 with the reason; the provider should not
  retry it.
- The sender's number is keyed on arrival (``phone_key``) and kept only in the reply that is
  queued for it; the inbox stores the key.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.sms.conversation import Conversation
from tilannekuva.feedback.sms.gateway import PayloadError, parse_inbound, parse_receipt
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.web.api.schemas import ErrorOut

TAG = "sms"
BODY_LIMIT = 64 * 1024  # bytes; a reply is at most a few kilobytes of JSON

log = logging.getLogger(__name__)
router = APIRouter()


class InboundIn(BaseModel):
    """A customer's reply, as the gateway posts it."""

    message_id: str = Field(description="The provider's id of the message; unique.")
    from_: str = Field(alias="from", description="The sender's number, any usual spelling.")
    text: str = Field(description="The reply as written (may be empty).")
    received_at: str | None = Field(
        default=None, description="ISO 8601 with a zone; the time of arrival when missing."
    )


class ReceiptIn(BaseModel):
    """What became of a message the service sent."""

    message_id: str = Field(description="The provider's id the send answered with.")
    status: str = Field(description="`delivered`, `failed` (also `undelivered`, `expired` …).")
    at: str | None = Field(default=None, description="ISO 8601 with a zone.")
    reference: str | None = Field(default=None, description="Our reference sent with it.")


class InboundOut(BaseModel):
    """The reply is stored (and was acted on, unless ``outcome`` is null)."""

    stored: bool = Field(description="Always true: a 200 means the reply is in the store.")
    duplicate: bool = Field(description="True when this message id was delivered before.")
    outcome: str | None = Field(
        description="answered, already_answered, comment, help, opted_out, closed … ; null "
        "for a duplicate, or when the reply waits to be processed."
    )


class ReceiptOut(BaseModel):
    matched: bool = Field(description="Whether the receipt matched a message in the outbox.")


def _require_webhook_secret(request: Request) -> None:
    config: FeedbackConfig = request.app.state.feedback_config
    if not config.webhook_secret:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the SMS webhooks are not configured (no webhook secret)",
            headers={"Retry-After": "300"},
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), config.webhook_secret.encode()
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if len(body) > BODY_LIMIT:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"the body exceeds {BODY_LIMIT} bytes"
        )
    try:
        return json.loads(body)
    except ValueError as error:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"the body is not JSON: {error}"
        ) from None


def _database_down(error: SQLAlchemyError) -> HTTPException:
    # The driver's error class only: SQLAlchemy's message would quote the statement's
    # parameters, and those include the sender's number.
    cause = getattr(error, "orig", None) or error
    log.warning("SMS webhook: the feedback store failed (%s); asked to retry", type(cause).__name__)
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "the feedback store is not reachable; deliver the message again later",
        headers={"Retry-After": "30"},
    )


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No bearer token, or the wrong one."},
    422: {"model": ErrorOut, "description": "The body is not the documented JSON."},
    503: {"model": ErrorOut, "description": "Not stored: retry (no secret set, or no database)."},
}


@router.post(
    "/sms/inbound",
    response_model=InboundOut,
    responses=_ERRORS,
    tags=[TAG],
    summary="Receive an SMS reply (gateway webhook)",
    description="The SMS gateway posts each customer reply here (bearer `webhook_secret`). "
    "The reply is stored, with the answer, opt-out or reply message it makes, before the 200; "
    "the same `message_id` again answers 200 with `duplicate: true` and changes nothing. "
    "503 means nothing was stored: deliver it again.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": InboundIn.model_json_schema()}},
        }
    },
)
async def receive_sms(request: Request) -> InboundOut:
    _require_webhook_secret(request)
    payload = await _json_body(request)
    store: FeedbackStore = request.app.state.feedback_store
    try:
        inbound = parse_inbound(payload, now=store.now())
    except PayloadError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    try:
        handled = await run_in_threadpool(conversation_for(request.app).receive, inbound)
    except SQLAlchemyError as error:
        raise _database_down(error) from None
    return InboundOut(stored=True, duplicate=not handled.created, outcome=handled.outcome)


@router.post(
    "/sms/receipts",
    response_model=ReceiptOut,
    responses=_ERRORS,
    tags=[TAG],
    summary="Receive a delivery receipt (gateway webhook)",
    description="The SMS gateway posts what became of a sent message (bearer "
    "`webhook_secret`). `delivered` and `failed` are final: the number is erased from the "
    "outbox. A receipt for an unknown message answers 200 with `matched: false`.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ReceiptIn.model_json_schema()}},
        }
    },
)
async def receive_receipt(request: Request) -> ReceiptOut:
    _require_webhook_secret(request)
    payload = await _json_body(request)
    store: FeedbackStore = request.app.state.feedback_store
    try:
        receipt = parse_receipt(payload, now=store.now())
    except PayloadError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    try:
        matched = await run_in_threadpool(store.record_receipt, receipt)
    except SQLAlchemyError as error:
        raise _database_down(error) from None
    return ReceiptOut(matched=matched)


def conversation_for(app: FastAPI) -> Conversation:
    """The conversation rules over the app's store, questionnaire and configuration."""
    conversation: Conversation | None = getattr(app.state, "sms_conversation", None)
    if conversation is None or conversation.store is not app.state.feedback_store:
        conversation = Conversation(
            app.state.feedback_store, app.state.questionnaire, app.state.feedback_config
        )
        app.state.sms_conversation = conversation
    return conversation


def process_stored_replies(app: FastAPI, limit: int = 100) -> int:
    """Act on replies stored but not processed (at start-up and now and then; the number of
    replies done). Safe to run in several processes at once: each row is taken once."""
    return conversation_for(app).process_stored(limit)
