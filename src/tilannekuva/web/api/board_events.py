"""``POST /api/v1/board/events``: source systems send live events to the control board.

The phone system, the patient record, the appointment book and the e-message portal each
post what happens (a call queued, a message answered, a slot booked …) as board events v1
(``board.events``; reference for integrators: docs/board-events.md). The events are
committed to the board store before the answer; then the board service is told, so wall
displays update within a second.

Decisions:

- Authentication is ``Authorization: Bearer <source token>`` (``tilannekuva board source
  add NAME``), checked before the body is read: 401 without a token, with a wrong one or a
  revoked one; an unauthenticated caller learns nothing about the expected fields.
- A batch is all or nothing: one invalid event rejects the whole batch with 422, listing
  every invalid event's index, source id and field, and nothing is stored; the sender fixes
  the event and sends the batch again. Error answers never echo the values sent.
- Idempotent on (source, ``source_id``): sending an event again answers ``duplicate`` and
  changes nothing (first copy wins), so a sender may retry any batch whose answer it missed.
- A database that cannot be reached answers 503 with ``Retry-After``: nothing was stored.
- Events dated in the future are stored as sent (the simulator replays faster than real
  time); the board places each event at its ``occurred_at``.
- The body is read in pieces and refused (413) beyond ``MAX_BODY_BYTES``: 1 000 events fit
  with room to spare.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from tilannekuva.board.events import EVENT_TYPES, MAX_BATCH, Event
from tilannekuva.board.store import BoardStore
from tilannekuva.web.api.schemas import ErrorOut

TAG = "board"
MAX_BODY_BYTES = 4 * 1024 * 1024
RETRY_AFTER_SECONDS = 10

log = logging.getLogger(__name__)
router = APIRouter()


class EventBatchIn(BaseModel):
    """Up to 1 000 board events from one source system."""

    events: list[Event] = Field(max_length=MAX_BATCH, description="The events, in any order.")


class EventResultOut(BaseModel):
    source_id: str
    status: Literal["stored", "duplicate"] = Field(
        description="`stored` now, or `duplicate`: this source id was received before."
    )


class EventResultsOut(BaseModel):
    """One result per event sent, in the order sent."""

    results: list[EventResultOut]


class InvalidEventOut(BaseModel):
    index: int | None = Field(
        description="The event's place in `events` (from 0); null for the batch as a whole."
    )
    source_id: str | None = Field(description="The event's `source_id`, when it had one.")
    field: str | None = Field(description="The field at fault, e.g. `occurred_at`.")
    error: str = Field(description="Pydantic's error type, e.g. `missing`, `timezone_aware`.")
    message: str


class InvalidBatchOut(BaseModel):
    """Nothing was stored: every invalid event is listed."""

    detail: str
    errors: list[InvalidEventOut]


_BATCH: TypeAdapter[EventBatchIn] = TypeAdapter(EventBatchIn)


def board_store(app: FastAPI) -> BoardStore:
    """The board store of the app's board service (``web.board_service.install_board``)."""
    store: BoardStore = app.state.board.store
    return store


def _unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a valid source token is required",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _database_down(error: SQLAlchemyError) -> HTTPException:
    # The driver's error class only: SQLAlchemy's message would quote the statement.
    cause = getattr(error, "orig", None) or error
    log.warning("board events: the store failed (%s); asked to retry", type(cause).__name__)
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "the board store is not reachable; nothing was stored, send the events again later",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _source_of(app: FastAPI, authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return board_store(app).source_for_token(token.strip())


async def _body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"the body exceeds {MAX_BODY_BYTES} bytes; send at most {MAX_BATCH} events",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def invalid_events(error: ValidationError, body: bytes) -> list[InvalidEventOut]:
    """Each error as (index, source id, field), without the value that was sent."""
    try:
        raw = json.loads(body)
    except ValueError:
        raw = None
    sent = raw.get("events") if isinstance(raw, dict) else None
    found: list[InvalidEventOut] = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        loc = list(item["loc"])
        index: int | None = None
        if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
            index = loc[1]
            loc = loc[2:]
            if loc and loc[0] in EVENT_TYPES:
                loc = loc[1:]  # the discriminator's tag, not a field
        field = ".".join(str(part) for part in loc) or None
        if item["type"] in ("union_tag_invalid", "union_tag_not_found"):
            field = "type"
        source_id = None
        if index is not None and isinstance(sent, list) and index < len(sent):
            event = sent[index]
            if isinstance(event, dict) and isinstance(event.get("source_id"), str):
                source_id = event["source_id"][:128]
        found.append(
            InvalidEventOut(
                index=index,
                source_id=source_id,
                field=field,
                error=item["type"],
                message=item["msg"],
            )
        )
    return found


def _notify(app: FastAPI) -> None:
    """Tell the board service (when the app runs one) that there is something new."""
    notify = getattr(getattr(app.state, "board", None), "notify", None)
    if not callable(notify):
        return
    try:
        notify()
    except Exception:  # the events are stored; the poller will notice them anyway
        log.exception("board events: notifying the board service failed")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The batch's JSON schema with its ``$defs`` written in place, so the OpenAPI document
    needs no components of its own for it (the body is read by hand, after the token)."""
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(value) for value in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return inline(definitions[ref.removeprefix("#/$defs/")])
        out = {key: inline(value) for key, value in node.items()}
        if isinstance(node.get("discriminator"), dict):
            # its mapping names $defs; the property alone still tells the types apart
            out["discriminator"] = {"propertyName": node["discriminator"]["propertyName"]}
        return out

    inlined: dict[str, Any] = inline(schema)
    return inlined


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No source token, a wrong one or a revoked one."},
    413: {"model": ErrorOut, "description": "The body is too large."},
    422: {
        "model": InvalidBatchOut,
        "description": "Invalid events (every one listed); nothing was stored.",
    },
    503: {"model": ErrorOut, "description": "The store is down; nothing stored: send again."},
}


@router.post(
    "/board/events",
    response_model=EventResultsOut,
    responses=_ERRORS,
    tags=[TAG],
    summary="Send live events to the control board",
    description="A source system (bearer token from `tilannekuva board source add`) sends up "
    f"to {MAX_BATCH} board events v1 (docs/board-events.md). The batch is stored whole or "
    "not at all; an event whose `source_id` this source sent before answers `duplicate` and "
    "changes nothing, so any batch may be sent again. 422 lists every invalid event.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_refs(_BATCH.json_schema())}},
        }
    },
)
async def receive_board_events(request: Request) -> EventResultsOut | JSONResponse:
    app: FastAPI = request.app
    try:
        source = await run_in_threadpool(_source_of, app, request.headers.get("authorization", ""))
    except SQLAlchemyError as error:
        raise _database_down(error) from None
    if source is None:
        raise _unauthorized()
    body = await _body(request)
    try:
        batch = _BATCH.validate_json(body)
    except ValidationError as error:
        errors = invalid_events(error, body)
        invalid = len({item.index for item in errors})
        detail = f"{invalid} invalid event(s); nothing was stored"
        if any(item.index is None for item in errors):
            detail = "the body is not a valid batch; nothing was stored"
        out = InvalidBatchOut(detail=detail, errors=errors)
        return JSONResponse(out.model_dump(), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
    store = board_store(app)
    try:
        recorded = await run_in_threadpool(store.record_events, source, batch.events)
    except SQLAlchemyError as error:
        raise _database_down(error) from None
    if any(item.status == "stored" for item in recorded):
        _notify(app)
    return EventResultsOut(
        results=[EventResultOut(source_id=item.source_id, status=item.status) for item in recorded]
    )
